namespace ModelSync.Daemon.Downloads;

/// <summary>Bytes <c>[From, To)</c> of a file known written to it.</summary>
internal readonly record struct ByteRange(long From, long To)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public long Length => To - From;
}

/// <summary>
/// What the connections of a segmented download have written beyond the hashed prefix: per piece, from its start
/// to where its bytes have reached. The resume record carries it, so a crash or an interrupted pass costs about
/// a second of transfer, not every piece the hasher had not reached yet (up to 2 × connections × segmentSize).
/// Written by the connections and read by the record's writer at once, hence the lock; a few entries at most.
/// </summary>
internal sealed class PiecesAhead
{
    private readonly Lock _lock = new();
    private readonly List<ByteRange> _ranges = [];

    /// <summary>Bytes of the ranges beyond <paramref name="hashed"/>: on disk already, not fetched again.</summary>
    public long BytesBeyond(long hashed)
    {
        lock (_lock)
        {
            return _ranges.Where(r => r.From >= hashed).Sum(r => r.Length);
        }
    }

    public void Load(IEnumerable<ByteRange> ranges)
    {
        lock (_lock)
        {
            _ranges.Clear();
            _ranges.AddRange(ranges);
        }
    }

    public void Clear() => Load([]);

    /// <summary>Where a piece starting at <paramref name="from"/> goes on: past what is written from there on.</summary>
    public long WrittenFrom(long from)
    {
        lock (_lock)
        {
            for (var moved = true; moved;)
            {
                moved = false;
                foreach (var r in _ranges)
                {
                    if (r.From <= from && from < r.To)
                    {
                        (from, moved) = (r.To, true);
                    }
                }
            }

            return from;
        }
    }

    /// <summary>The piece that started at <paramref name="pieceFrom"/> is written up to <paramref name="to"/>
    /// (recovered ranges it now covers merge into it).</summary>
    public void Advance(long pieceFrom, long to)
    {
        lock (_lock)
        {
            _ranges.RemoveAll(r => r.From >= pieceFrom && r.To <= to);
            _ranges.Add(new ByteRange(pieceFrom, to));
        }
    }

    /// <summary>The ranges beyond <paramref name="hashed"/> (the prefix read before this call); those it covers
    /// are dropped, being in the prefix now.</summary>
    public ByteRange[] Beyond(long hashed)
    {
        lock (_lock)
        {
            _ranges.RemoveAll(r => r.To <= hashed);
            return [.. _ranges.Where(r => r.From >= hashed).OrderBy(r => r.From)];
        }
    }

    /// <summary>Ranges ahead that fit the file as it is: beyond the prefix, in order, apart and within its length
    /// (a range the disk does not hold is dropped, costing its bytes again, never the rest); null when none.</summary>
    public static ByteRange[]? Plausible(IReadOnlyList<ByteRange>? ahead, long offset, long length)
    {
        var kept = new List<ByteRange>();
        foreach (var r in (ahead ?? []).OrderBy(r => r.From))
        {
            if (r.From >= (kept.Count == 0 ? offset : kept[^1].To) && r.From < r.To && r.To <= length)
            {
                kept.Add(r);
            }
        }

        return kept.Count == 0 ? null : [.. kept];
    }
}

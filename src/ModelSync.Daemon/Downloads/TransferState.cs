using ModelSync.Daemon.Manifest;
using ModelSync.Store.Digests;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// What survives between attempts: the hashed prefix (<see cref="Offset"/>), the digest over exactly those
/// bytes, and the validator they came with. The three only make sense together, so they change together:
/// <see cref="Reset"/> is the one way back to zero.
/// </summary>
internal sealed class TransferState
{
    private const int ParallelFrom = 256 << 10;
    private readonly FileSpec _spec;
    private readonly Action<long> _onBytes;
    private long _reported;
    private volatile bool _resetPending;
    private ContentDigest? _digest;

    public TransferState(FileSpec spec, Action<long> onBytes)
    {
        _spec = spec;
        _onBytes = onBytes;
        SourceHash = Checksums.SourceHash.For(spec.SourceChecksum);
    }

    /// <summary>Bytes from zero that are on disk and in <see cref="Digest"/>.</summary>
    public long Offset { get; set; }

    /// <summary>Strong ETag or Last-Modified of the response the bytes came from; sent as If-Range.</summary>
    public string? Validator { get; set; }

    /// <summary>Pieces written beyond <see cref="Offset"/>, from the same response entity (<see cref="Validator"/>).</summary>
    public PiecesAhead Ahead { get; } = new();

    /// <summary>Bytes on disk that the next attempt will not fetch again.</summary>
    public long BytesKept => Offset + Ahead.BytesBeyond(Offset);

    /// <summary>
    /// Made on first use and released once the file is verified: a model's transfers are all opened at its
    /// start, and a digest holds native hash contexts, so thousands of small files must not each keep one.
    /// </summary>
    public ContentDigest Digest
    {
        get
        {
            if (Volatile.Read(ref _digest) is { } digest)
            {
                return digest;
            }

            var made = NewDigest();
            if (Interlocked.CompareExchange(ref _digest, made, null) is { } other)
            {
                made.Dispose();
                return other;
            }

            return made;
        }
    }

    /// <summary>The source's own check (an S3 checksum or ETag) over the same bytes, in the same order; null when none.</summary>
    public Checksums.SourceHash? SourceHash { get; private set; }

    /// <summary>After a restart the bytes below <see cref="Offset"/> are on disk but not yet in the digest.</summary>
    public bool PrefixUnhashed { get; set; }

    /// <summary>Continues behind a resume record.</summary>
    public void Resume(long offset, string? validator, IReadOnlyList<ByteRange>? ahead = null)
    {
        Offset = offset;
        Validator = validator;
        Ahead.Load(ahead ?? []);
        _reported = BytesKept;
        PrefixUnhashed = offset > 0;
    }

    public void Reset()
    {
        _resetPending = false;
        Offset = 0;
        Ahead.Clear();
        PrefixUnhashed = false;
        SettleProgress();
        Validator = null;
        ReplaceDigest();
    }

    /// <summary>For a decision made while pieces are still being written and hashed: resetting under them
    /// would race, so the attempt applies it once everything has stopped.</summary>
    public void ResetWhenStopped() => _resetPending = true;

    public void ApplyPendingReset()
    {
        if (_resetPending)
        {
            Reset();
        }
    }

    /// <summary>A digest interrupted half-way over the prefix covers nothing useful: the next attempt
    /// hashes the prefix again from the start.</summary>
    public void ReplaceDigest()
    {
        ReleaseDigest();
        SourceHash?.Dispose();
        SourceHash = Checksums.SourceHash.For(_spec.SourceChecksum);
    }

    /// <summary>Frees the digest; the next use starts a fresh one (over zero bytes).</summary>
    public void ReleaseDigest() => Interlocked.Exchange(ref _digest, null)?.Dispose();

    /// <summary>The next bytes from the hashed prefix on, into every digest kept.</summary>
    public void Append(ReadOnlyMemory<byte> data)
    {
        var digest = Digest;
        if (SourceHash is not { } source)
        {
            digest.Append(data.Span);
            return;
        }

        // A source's check is MD5 for an S3 ETag (~0.65 GB/s here, half sha256's speed, and serial): after
        // sha256 on one thread it was the slowest stage of an S3 download. Side by side, each on a core, the
        // chunk costs the slower of the two. Parallel.Invoke runs one inline and inlines the other too when no
        // thread is free, so a busy pool only makes it sequential, never stuck.
        if (data.Length >= ParallelFrom)
        {
            Parallel.Invoke(() => digest.Append(data.Span), () => source.Append(data.Span));
            return;
        }

        digest.Append(data.Span);
        source.Append(data.Span);
    }

    /// <summary>Applies a server's answer; throws when it is a failure.</summary>
    public void Accept(ResponseVerdict verdict)
    {
        switch (verdict.Outcome)
        {
            case ResponseOutcome.Fail:
                if (verdict.StartOver)
                {
                    ResetWhenStopped();
                }

                throw verdict.ToException();
            case ResponseOutcome.RestartFromZero:
                Reset();
                break;
        }

        Validator = verdict.Validator;
    }

    /// <summary>Counts written bytes for progress; they may run ahead of the hashed prefix.</summary>
    public void Report(long bytes)
    {
        Interlocked.Add(ref _reported, bytes);
        _onBytes(bytes);
    }

    /// <summary>After an attempt, progress falls back to what the next attempt will not fetch again.</summary>
    public void SettleProgress()
    {
        var kept = BytesKept;
        var delta = kept - Interlocked.Exchange(ref _reported, kept);
        if (delta != 0)
        {
            _onBytes(delta);
        }
    }

    // xxh128 always: cheap, and it lets the gate re-verify at memory speed. sha256 only when asked for.
    private ContentDigest NewDigest() =>
        new(_spec.Sha256 is null && !_spec.RecordSha256 ? DigestKind.Xxh128 : DigestKind.Both, _spec.GitBlobSha1 is null ? null : _spec.Size);
}

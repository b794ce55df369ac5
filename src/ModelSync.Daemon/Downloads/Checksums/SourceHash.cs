using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads.Checksums;

/// <summary>
/// A source's own check (<see cref="SourceChecksum"/>) computed over the bytes as the engine hashes them: the
/// same spans, in file order, from the resume prefix on, so it covers exactly what is on disk.
/// </summary>
internal abstract class SourceHash(SourceChecksum expected) : IDisposable
{
    public static SourceHash? For(SourceChecksum? checksum) => checksum?.Kind switch
    {
        null => null,
        SourceChecksumKind.Crc32C => new CrcHash(checksum),
        SourceChecksumKind.Crc64Nvme => new CrcHash(checksum),
        SourceChecksumKind.Md5 => new Md5Hash(checksum),
        SourceChecksumKind.MultipartEtag => new MultipartEtagHash(checksum),
        _ => throw new ArgumentOutOfRangeException(nameof(checksum), checksum.Kind, "unknown source checksum"),
    };

    public abstract void Append(ReadOnlySpan<byte> data);

    /// <summary>Null when the bytes match, else the message (what was computed, what the source says).</summary>
    public string? Mismatch()
    {
        var actual = Finish();
        return string.Equals(actual, expected.Expected, StringComparison.OrdinalIgnoreCase) ? null : $"{expected.What} {actual}, expected {expected.Expected}";
    }

    public virtual void Dispose()
    {
    }

    /// <summary>The value as lowercase hex, in the form <see cref="SourceChecksum.Expected"/> has.</summary>
    protected abstract string Finish();
}

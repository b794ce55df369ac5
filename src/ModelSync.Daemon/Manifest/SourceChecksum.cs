namespace ModelSync.Daemon.Manifest;

/// <summary>A check the source offers for an object's bytes that is not one of the store's digests.</summary>
public enum SourceChecksumKind
{
    /// <summary>Full-object CRC-32C (Castagnoli), big-endian hex.</summary>
    Crc32C,

    /// <summary>Full-object CRC-64/NVME, big-endian hex.</summary>
    Crc64Nvme,

    /// <summary>MD5 of the whole object: a single-part S3 upload's ETag without SSE-KMS.</summary>
    Md5,

    /// <summary>S3's multipart ETag: MD5 over the parts' MD5s, with the part sizes to cut at.</summary>
    MultipartEtag,
}

/// <summary>
/// What the source vouches for, as lowercase hex (<see cref="SourceChecksumKind.MultipartEtag"/>: the
/// ETag as S3 gives it, "HEX-N", without quotes). <see cref="What"/> names it in a mismatch message.
/// </summary>
public sealed record SourceChecksum(SourceChecksumKind Kind, string Expected, string What)
{
    /// <summary>For <see cref="SourceChecksumKind.MultipartEtag"/>: every part's size, in order.</summary>
    public IReadOnlyList<long> PartSizes { get; init; } = [];
}

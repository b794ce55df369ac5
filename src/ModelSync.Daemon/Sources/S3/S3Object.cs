namespace ModelSync.Daemon.Sources.S3;

/// <summary>An object as the listing names it: enough for the version, before any HEAD.</summary>
internal sealed record S3Listed(string Key, long Size, string ETag);

/// <summary>
/// What a HEAD (checksum mode on) says of one object: the facts verification chooses from. Checksums are
/// as S3 sends them (base64, big-endian); <see cref="PartSizes"/> is set for a multipart ETag whose parts
/// the server described (<c>HEAD ?partNumber=N</c>), else empty.
/// </summary>
internal sealed record S3Head(string Key, long Size, string ETag, string? VersionId)
{
    public string? ServerSideEncryption { get; init; }

    public string? ChecksumType { get; init; }

    public string? Sha256 { get; init; }

    public string? Crc64Nvme { get; init; }

    public string? Crc32C { get; init; }

    public IReadOnlyList<long> PartSizes { get; init; } = [];

    /// <summary>The ETag without quotes.</summary>
    public string Tag => ETag.Trim('"');

    /// <summary>N of a multipart ETag <c>HEX-N</c>; 0 for a single-part one.</summary>
    public int EtagParts => Tag.LastIndexOf('-') is var dash and > 0 && int.TryParse(Tag.AsSpan(dash + 1), out var n) ? n : 0;

    public bool KmsEncrypted => ServerSideEncryption is { } sse && sse.StartsWith("aws:kms", StringComparison.Ordinal);
}

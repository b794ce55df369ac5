using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// What vouches for an object's bytes, first that applies: the manifest's digests for its path; S3's
/// full-object SHA256 (a true sha256: the store's digest itself), CRC64NVME or CRC32C; the ETag as MD5 of a
/// single-part upload not encrypted with SSE-KMS; the multipart ETag recomputed from its part sizes. An
/// ETag is never taken for a sha256. Nothing of these: refused, unless the model says <c>verify: size</c>.
/// </summary>
internal static class S3Verification
{
    public static FileSpec Apply(FileSpec file, S3Head head, KnownDigest? known, bool sizeOnly, string name)
    {
        if (known is not null)
        {
            return file with { Sha256 = known.Sha256, Xxh128 = known.Xxh128 };
        }

        var fullObject = head.ChecksumType is null or "FULL_OBJECT";
        if (fullObject && Hex(head.Sha256, 32) is { } sha256)
        {
            return file with { Sha256 = sha256 };
        }

        if (fullObject && Hex(head.Crc64Nvme, 8) is { } crc64)
        {
            return file with { SourceChecksum = new SourceChecksum(SourceChecksumKind.Crc64Nvme, crc64, "crc64nvme") };
        }

        if (fullObject && Hex(head.Crc32C, 4) is { } crc32c)
        {
            return file with { SourceChecksum = new SourceChecksum(SourceChecksumKind.Crc32C, crc32c, "crc32c") };
        }

        var tag = head.Tag.ToLowerInvariant();
        if (head.EtagParts == 0 && !head.KmsEncrypted && IsHex(tag, 32))
        {
            return file with { SourceChecksum = new SourceChecksum(SourceChecksumKind.Md5, tag, "md5 (single-part ETag)") };
        }

        if (head.EtagParts > 0 && head.PartSizes.Count == head.EtagParts && !head.KmsEncrypted && IsHex(tag[..tag.LastIndexOf('-')], 32))
        {
            return file with { SourceChecksum = new SourceChecksum(SourceChecksumKind.MultipartEtag, tag, "multipart ETag") { PartSizes = head.PartSizes } };
        }

        if (sizeOnly)
        {
            return file;
        }

        var why = head.KmsEncrypted ? "it is SSE-KMS encrypted (its ETag is no MD5)"
            : head.EtagParts > 0 ? $"its multipart ETag ({head.EtagParts} parts) cannot be recomputed: the server does not give the part sizes"
            : $"its ETag '{head.Tag}' is no MD5";
        throw new DownloadException(FailureReason.SourceInvalid,
            $"{name}: nothing vouches for its bytes: no digest in the manifest, no full-object checksum, and {why}; give its digest under digests: or set verify: size",
            transient: false);
    }

    /// <summary>A base64 checksum of <paramref name="bytes"/> bytes as lowercase hex; null when absent or malformed.</summary>
    private static string? Hex(string? base64, int bytes)
    {
        if (base64 is null)
        {
            return null;
        }

        var buffer = new byte[bytes];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written == bytes ? Convert.ToHexStringLower(buffer) : null;
    }

    private static bool IsHex(string text, int length) => text.Length == length && text.All(char.IsAsciiHexDigit);
}

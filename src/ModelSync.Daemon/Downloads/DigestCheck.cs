using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads;

internal static class DigestCheck
{
    /// <summary>Null when the digests match the manifest, else the message.</summary>
    public static string? Mismatch(FileSpec spec, string? sha256, string? xxh128, string? gitBlobSha1)
    {
        if (spec.GitBlobSha1 is not null && spec.GitBlobSha1 != gitBlobSha1)
        {
            return $"git blob sha1 {gitBlobSha1 ?? "(not computed)"}, expected {spec.GitBlobSha1}";
        }

        if (spec.Sha256 is not null && spec.Sha256 != sha256)
        {
            return $"sha256 {sha256}, expected {spec.Sha256}";
        }

        return spec.Xxh128 is not null && spec.Xxh128 != xxh128 ? $"xxh128 {xxh128}, expected {spec.Xxh128}" : null;
    }
}

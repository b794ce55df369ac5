using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Failures;

/// <summary>
/// A short digest of everything a manifest entry asks for (version, source, auth file, every file's path,
/// URL, size and digests): a parked or backed-off model whose entry an operator edited is tried again at once.
/// </summary>
internal static class SpecFingerprint
{
    public static string Of(ModelSpec spec)
    {
        var text = new StringBuilder()
            .Append(spec.Name).Append('\n')
            .Append(spec.Version).Append('\n')
            .Append(spec.Hub?.ToString()).Append('\n')
            .Append(spec.BaseUrl?.AbsoluteUri).Append('\n')
            .Append(spec.BearerTokenFile).Append('\n');
        foreach (var file in spec.Files)
        {
            text.Append(file.Path).Append('\t').Append(file.Url.AbsoluteUri).Append('\t').Append(file.Size)
                .Append('\t').Append(file.Sha256).Append('\t').Append(file.Xxh128).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
    }
}

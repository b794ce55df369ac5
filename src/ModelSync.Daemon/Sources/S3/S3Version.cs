using System.Security.Cryptography;
using System.Text;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// The version of a listing: a digest over every selected object's path, key, size, ETag and version id, in
/// path order. A changed object gives a new version; the same bucket gives the same version on every node.
/// </summary>
internal static class S3Version
{
    /// <summary>32 hex characters (128 bits): as unlikely to collide as a content digest needs.</summary>
    public const int Length = 32;

    public static string Of(IEnumerable<(string Path, S3Head Head)> objects)
    {
        var text = new StringBuilder();
        foreach (var (path, head) in objects.OrderBy(o => o.Path, StringComparer.Ordinal))
        {
            // NUL cannot occur in a key, so no two listings give the same text.
            text.Append(path).Append('\0').Append(head.Key).Append('\0').Append(head.Size).Append('\0')
                .Append(head.Tag).Append('\0').Append(head.VersionId).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..Length];
    }
}

namespace ModelSync.Daemon.Manifest;

/// <summary>
/// <c>sync.allowedFileRoots</c>: a manifest may only name <c>file://</c> sources below these directories,
/// so a ConfigMap edit cannot make a root-run daemon copy /etc/shadow or a hostPath secret into a store
/// that every pod on the node reads. The loader checks the written path; the download checks it again
/// after symlinks are resolved.
/// </summary>
public static class FileRoots
{
    public static string Normalize(string root) => root.Length > 1 ? root.TrimEnd('/') : root;

    public static bool IsUnder(string path, IReadOnlyList<string> roots) =>
        roots.Any(r => r == "/" || path == r || path.StartsWith(r + "/", StringComparison.Ordinal));

    /// <summary>Null when <paramref name="url"/> is not a file URL or lies below a root; else why it is refused.</summary>
    public static string? Check(Uri url, IReadOnlyList<string> roots)
    {
        if (!url.IsFile)
        {
            return null;
        }

        if (roots.Count == 0)
        {
            return $"file:// sources are off: list the directory of '{url.LocalPath}' in sync.allowedFileRoots";
        }

        return IsUnder(url.LocalPath, roots)
            ? null
            : $"'{url.LocalPath}' is outside sync.allowedFileRoots ({string.Join(", ", roots)})";
    }
}

namespace ModelSync.Store.IO;

/// <summary>Walking the store's trees without following links: a planted symlink is never a directory of it.</summary>
public static class RealDirectories
{
    /// <summary>The subdirectories of <paramref name="path"/> that are not symlinks, by name (ordinal); none when
    /// <paramref name="path"/> is missing or is itself a symlink.</summary>
    public static IReadOnlyList<DirectoryInfo> Below(string path) =>
        Directory.Exists(path) && new FileInfo(path).LinkTarget is null
            ? [.. new DirectoryInfo(path).EnumerateDirectories().Where(d => d.LinkTarget is null).OrderBy(d => d.Name, StringComparer.Ordinal)]
            : [];
}

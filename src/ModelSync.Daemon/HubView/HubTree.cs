using ModelSync.Store.IO;

namespace ModelSync.Daemon.HubView;

/// <summary>The disk operations of the view. Nothing here follows a link: whatever is found in <c>hub/</c> that
/// the plan does not name (a planted link, a leftover temp) is removed as an entry, never entered.</summary>
internal static class HubTree
{
    public static bool IsRealDirectory(string path) => Directory.Exists(path) && new FileInfo(path).LinkTarget is null;

    /// <summary>A real directory at <paramref name="path"/>: a link or file there is removed first.</summary>
    public static void EnsureDirectory(string path)
    {
        if (IsRealDirectory(path))
        {
            return;
        }

        if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            TreeRemover.Remove(path);
        }

        Directory.CreateDirectory(path);
    }

    /// <summary>A link at <paramref name="path"/> reading <paramref name="target"/>, replaced in one rename when it differs.</summary>
    public static void EnsureLink(string path, string target)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget == target)
        {
            return;
        }

        if (info.LinkTarget is null && Directory.Exists(path))
        {
            TreeRemover.Remove(path); // rename(2) cannot put a link over a directory
        }

        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.CreateSymbolicLink(temp, target);
        try
        {
            Durable.Rename(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>True when <paramref name="dir"/> is a real directory holding exactly these links (relative path → target).</summary>
    public static bool Holds(string dir, IReadOnlyDictionary<string, string> links)
    {
        if (!IsRealDirectory(dir))
        {
            return false;
        }

        var found = new Dictionary<string, string?>(StringComparer.Ordinal);
        Walk(dir, "", found);
        return found.Count == links.Count && links.All(l => found.TryGetValue(l.Key, out var target) && target == l.Value);
    }

    public static void Build(string dir, IReadOnlyDictionary<string, string> links)
    {
        Directory.CreateDirectory(dir);
        foreach (var (path, target) in links)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.CreateSymbolicLink(full, target);
        }

        foreach (var sub in links.Keys.Select(p => Path.GetDirectoryName(Path.Combine(dir, p))!).Distinct(StringComparer.Ordinal))
        {
            Durable.FsyncDirectory(sub);
        }
    }

    /// <summary>Puts the finished <paramref name="built"/> at <paramref name="dir"/> in one step and removes what was there.</summary>
    public static void MoveIn(string built, string dir)
    {
        if (IsRealDirectory(dir))
        {
            Durable.Exchange(built, dir);
            TreeRemover.Remove(built);
            return;
        }

        if (Path.Exists(dir) || new FileInfo(dir).LinkTarget is not null)
        {
            TreeRemover.Remove(dir);
        }

        Directory.Move(built, dir);
    }

    /// <summary>The commit a ref file names, or null (missing, a link, unreadable).</summary>
    public static string? ReadRef(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || !info.Exists)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static IReadOnlyList<FileSystemInfo> Entries(string dir) =>
        IsRealDirectory(dir) ? new DirectoryInfo(dir).EnumerateFileSystemInfos().ToList() : [];

    public static void RemoveEntriesExcept(string dir, IEnumerable<string> keep)
    {
        var kept = keep.ToHashSet(StringComparer.Ordinal);
        foreach (var entry in Entries(dir).Where(e => !kept.Contains(e.Name)))
        {
            TreeRemover.Remove(entry.FullName);
        }
    }

    /// <summary>Below <c>refs/</c> (revisions may nest, <c>refs/pr/1</c>): every file but <paramref name="keep"/>, then empty folders.</summary>
    public static void RemoveFilesExcept(string dir, IReadOnlySet<string> keep)
    {
        foreach (var entry in Entries(dir))
        {
            if (entry is DirectoryInfo { LinkTarget: null })
            {
                RemoveFilesExcept(entry.FullName, keep);
                if (Entries(entry.FullName).Count == 0)
                {
                    Directory.Delete(entry.FullName);
                }
            }
            else if (!keep.Contains(entry.FullName))
            {
                TreeRemover.Remove(entry.FullName);
            }
        }
    }

    private static void Walk(string dir, string prefix, Dictionary<string, string?> found)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            var rel = prefix + entry.Name;
            if (entry is DirectoryInfo { LinkTarget: null })
            {
                Walk(entry.FullName, rel + "/", found);
            }
            else
            {
                found[rel] = entry.LinkTarget; // a plain file (null target) never matches a planned link
            }
        }
    }
}

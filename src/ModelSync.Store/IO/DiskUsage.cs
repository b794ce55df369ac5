namespace ModelSync.Store.IO;

/// <summary>
/// Bytes on disk below store directories with every inode counted once: a file shared by two versions
/// (a hard link) takes its space once, and capacity, GC and <c>status</c> must say so.
/// </summary>
public static class DiskUsage
{
    /// <summary>Bytes of the distinct files below <paramref name="directories"/>; symlinks are not followed.</summary>
    public static long UniqueBytes(params IEnumerable<string> directories)
    {
        var seen = new HashSet<(ulong, ulong)>();
        long bytes = 0;
        foreach (var path in directories.SelectMany(Files))
        {
            if (FileIdentity.Of(path) is { } id)
            {
                bytes += seen.Add((id.Device, id.Inode)) ? id.Size : 0;
            }
            else
            {
                // Without statx (old glibc, a seccomp profile) every name counts: over- rather than under-counting.
                bytes += LengthOrZero(path);
            }
        }

        return bytes;
    }

    /// <summary>Bytes the store holds on disk: published versions, staging and trash awaiting deletion, every
    /// inode once. What the capacity guard, <c>/status</c> and the metrics call the store's use.</summary>
    public static long StoreBytes(Layout.StoreLayout layout) => UniqueBytes(layout.ModelsDir, layout.StagingRoot, layout.TrashDir);

    /// <summary>Bytes of <paramref name="files"/> that no other name holds (absent files hold none).</summary>
    public static long OwnBytes(IEnumerable<string> files) =>
        files.Select(FileIdentity.Of).Where(id => id is { Links: 1 }).Sum(id => id!.Value.Size);

    /// <summary>Bytes removing every one of <paramref name="paths"/> (files or trees) frees: an inode counts
    /// only when all its names are among them, so a file a kept version shares frees nothing.</summary>
    public static long FreedBy(IEnumerable<string> paths)
    {
        var names = new Dictionary<(ulong, ulong), (int Seen, FileIdentity Id)>();
        foreach (var path in paths.SelectMany(p => File.Exists(p) ? [p] : Files(p)))
        {
            if (FileIdentity.Of(path) is { } id)
            {
                var key = (id.Device, id.Inode);
                names[key] = (names.TryGetValue(key, out var known) ? known.Seen + 1 : 1, id);
            }
        }

        return names.Values.Where(n => n.Seen >= n.Id.Links).Sum(n => n.Id.Size);
    }

    private static long LengthOrZero(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static IEnumerable<string> Files(string directory)
    {
        if (!Directory.Exists(directory) || new DirectoryInfo(directory).LinkTarget is not null)
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return Directory.EnumerateFiles(directory, "*", options);
    }
}

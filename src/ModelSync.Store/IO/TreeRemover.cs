namespace ModelSync.Store.IO;

/// <summary>Deletes files, links and whole trees of the store: published files are 0444 and a directory
/// may have lost its write bit, so directories are made writable first. Symlinks are removed, never followed.</summary>
public static class TreeRemover
{
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
        {
            MakeParentWritable(path);
            File.Delete(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            return;
        }

        MakeParentWritable(path);
        MakeTreeWritable(path);
        Directory.Delete(path, recursive: true);
    }

    private static void MakeParentWritable(string path)
    {
        if (Path.GetDirectoryName(path) is { } parent && Directory.Exists(parent))
        {
            AddOwnerBits(parent);
        }
    }

    private static void MakeTreeWritable(string dir)
    {
        AddOwnerBits(dir);
        foreach (var sub in new DirectoryInfo(dir).EnumerateDirectories())
        {
            if (sub.LinkTarget is null)
            {
                MakeTreeWritable(sub.FullName);
            }
        }
    }

    private static void AddOwnerBits(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No Unix modes to fix; the daemon runs on Linux nodes.
        }

        var mode = File.GetUnixFileMode(dir);
        if ((mode & OwnerAll) != OwnerAll)
        {
            File.SetUnixFileMode(dir, mode | OwnerAll);
        }
    }
}

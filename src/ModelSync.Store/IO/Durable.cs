namespace ModelSync.Store.IO;

/// <summary>Durability helpers for writers of the store.</summary>
public static class Durable
{
    /// <summary>fsync of a directory, so renames and creates inside it survive a power loss.</summary>
    public static void FsyncDirectory(string directory) => NativeMethods.FsyncDirectory(directory);

    /// <summary>Atomically swaps two existing directories (or files): each path always names one of them.</summary>
    public static void Exchange(string a, string b) => NativeMethods.Exchange(a, b);

    /// <summary>rename(2): replaces <paramref name="to"/> in one step and follows no symlink (File.Move does).</summary>
    public static void Rename(string from, string to) => NativeMethods.Rename(from, to);
}

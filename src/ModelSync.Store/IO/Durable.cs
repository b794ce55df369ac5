namespace ModelSync.Store.IO;

/// <summary>Durability helpers for writers of the store.</summary>
public static class Durable
{
    /// <summary>fsync of a directory, so renames and creates inside it survive a power loss.</summary>
    public static void FsyncDirectory(string directory) => NativeMethods.FsyncDirectory(directory);
}

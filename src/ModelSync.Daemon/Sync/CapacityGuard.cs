using ModelSync.Daemon.Manifest;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>Refuses a download that would push the store over <c>store.capacity</c> or the
/// filesystem under <c>store.reserve</c>, before a byte is fetched.</summary>
internal static class CapacityGuard
{
    /// <summary>Null when <paramref name="model"/> fits, else why not.</summary>
    public static string? Check(StoreLayout layout, StoreSettings store, ModelSpec model)
    {
        // Staged bytes of this version are already counted in the store and need no new room.
        var staged = DirectoryBytes(layout.StagingDir(model.Name, model.Version));
        var needed = Math.Max(0, model.TotalBytes - staged);
        if (store.Capacity is { } capacity)
        {
            var used = DirectoryBytes(layout.ModelsDir) + DirectoryBytes(layout.StagingRoot);
            if (used + needed > capacity)
            {
                return $"needs {ByteSize.Format(needed)} more; the store uses {ByteSize.Format(used)} of its {ByteSize.Format(capacity)} capacity";
            }
        }

        var free = new DriveInfo(layout.Root).AvailableFreeSpace;
        return free - needed < store.Reserve
            ? $"needs {ByteSize.Format(needed)} but the filesystem has {ByteSize.Format(free)} free and {ByteSize.Format(store.Reserve)} must stay free"
            : null;
    }

    public static long DirectoryBytes(string path)
    {
        if (!Directory.Exists(path))
        {
            return 0;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return new DirectoryInfo(path).EnumerateFiles("*", options).Sum(f => f.Length);
    }
}

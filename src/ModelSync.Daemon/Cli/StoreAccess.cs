using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Cli;

/// <summary>Opens a store for writing: creates the root, proves it writable, takes the single-writer lock.</summary>
internal static class StoreAccess
{
    /// <summary>The lock, or null after printing why the store is unusable (exit <see cref="ExitCodes.StoreUnusable"/>).</summary>
    public static StoreLock? OpenForWriting(StoreLayout layout)
    {
        if (!IsWritable(layout))
        {
            return null;
        }

        var storeLock = StoreLock.TryAcquire(layout);
        if (storeLock is null)
        {
            var holder = StoreLock.ReadHolder(layout);
            Console.Error.WriteLine($"store {layout.Root} is locked by another ModelSync process{(holder is null ? "" : $" (pid {holder})")}: {layout.LockPath}");
        }

        return storeLock;
    }

    /// <summary>Creates the root and proves it writable; false after printing why not (exit <see cref="ExitCodes.StoreUnusable"/>).</summary>
    public static bool IsWritable(StoreLayout layout)
    {
        try
        {
            // The state dir holds staging, trash, the lock and the inventory: through a symlink, all of
            // them would be written (and GC'd) wherever it points.
            if (new FileInfo(layout.StateDir).LinkTarget is { } link)
            {
                Console.Error.WriteLine($"store {layout.Root}: {StoreLayout.StateDirName} is a symlink to {link}, not a directory of the store; remove it");
                return false;
            }

            Directory.CreateDirectory(layout.StateDir);
            var probe = Path.Combine(layout.StateDir, $".probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"store root {layout.Root} is not writable: {ex.Message}");
            return false;
        }

        return true;
    }
}

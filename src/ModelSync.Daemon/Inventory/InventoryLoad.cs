using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Inventory;

/// <summary>The inventory a writer starts from: the file, or, when it is missing or unreadable, one rebuilt from
/// the markers on disk (said when a file was there).</summary>
internal static class InventoryLoad
{
    public static StoreInventory Read(StoreLayout layout, string? node, TimeProvider time, ILogger logger)
    {
        var read = InventoryFile.Read(layout);
        if (read.Inventory is { } inventory)
        {
            return inventory;
        }

        // Generations must keep rising across a rebuild, or a reader comparing them misses the change.
        var now = time.GetUtcNow();
        var rebuilt = InventoryRebuilder.Rebuild(layout, node, now, generation: now.ToUnixTimeMilliseconds());
        if (File.Exists(layout.InventoryPath))
        {
            Log.InventoryRebuilt(logger, layout.InventoryPath, read.Error!);
        }

        return rebuilt;
    }
}

using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Inventory;

/// <summary>
/// Rebuilds an inventory from what is published on disk: every <c>current/&lt;name&gt;</c> link whose
/// target carries a marker becomes a <see cref="ModelState.Ready"/> entry. Used when the inventory
/// is lost or corrupt; nothing is downloaded or hashed.
/// </summary>
public static class InventoryRebuilder
{
    public static StoreInventory Rebuild(StoreLayout layout, string? node, DateTimeOffset now, long generation = 0)
    {
        var models = new List<ModelEntry>();
        if (Directory.Exists(layout.ModelsDir))
        {
            foreach (var modelDir in Directory.EnumerateDirectories(layout.ModelsDir).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(modelDir);
                var version = CurrentLink.Read(layout, name);
                var marker = version is null ? null : MarkerFile.TryReadFor(layout.VersionDir(name, version), name, version);
                if (marker is null)
                {
                    continue;
                }

                models.Add(ModelEntries.Ready(marker, verifiedAt: null));
            }
        }

        return new StoreInventory { Generation = generation, WrittenAt = now, Node = node, Models = models };
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Cli;

/// <summary>
/// The inventory as the <c>status</c> table reads it: every model's entry without its file list, which the table
/// never shows. At 1,000 models × 10 files the lists are most of the 2.4 MB and nearly all of its strings (two
/// digests per file); the reader still steps over them, so a malformed list fails the parse as before.
/// <c>--json</c> prints the inventory whole and reads it whole.
/// </summary>
internal static class InventoryWithoutFiles
{
    public static JsonTypeInfo<StoreInventory> TypeInfo()
    {
        var options = new JsonSerializerOptions(StoreJsonContext.Default.Options)
        {
            TypeInfoResolver = StoreJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type == typeof(ModelEntry) && info.Properties.FirstOrDefault(p => p.Name == "files") is { } files)
                {
                    info.Properties.Remove(files);
                }
            }),
        };
        return (JsonTypeInfo<StoreInventory>)options.GetTypeInfo(typeof(StoreInventory));
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Cli;

/// <summary>
/// The inventory as the <c>status</c> table reads it: every model's entry with its file list stepped over, as the
/// table never shows it. At 1,000 models × 10 files the lists are most of the 2.4 MB and nearly all of its strings
/// (two digests per file). The reader still walks their tokens, so malformed JSON in a list fails the parse as
/// before. <c>--json</c> prints the inventory whole and reads it whole.
/// </summary>
internal static class InventoryWithoutFiles
{
    public static JsonTypeInfo<StoreInventory> TypeInfo()
    {
        var options = new JsonSerializerOptions(StoreJsonContext.Default.Options)
        {
            // The property stays (the generated constructor binds every init-only member); only its reading changes.
            TypeInfoResolver = StoreJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type == typeof(ModelEntry) && info.Properties.FirstOrDefault(p => p.Name == "files") is { } files)
                {
                    files.CustomConverter = new SkippedFiles();
                }
            }),
        };
        return (JsonTypeInfo<StoreInventory>)options.GetTypeInfo(typeof(StoreInventory));
    }

    private sealed class SkippedFiles : JsonConverter<IReadOnlyList<FileEntry>>
    {
        public override IReadOnlyList<FileEntry> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return [];
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<FileEntry> value, JsonSerializerOptions options) =>
            throw new NotSupportedException("the status table only reads the inventory");
    }
}

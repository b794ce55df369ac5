using System.Text.Json;

namespace ModelSync.Store.Inventory;

/// <summary>
/// Reads an inventory as the daemon writes it in one pass of a <see cref="Utf8JsonReader"/>, building the entries
/// and their files directly: the serializer builds each of those records through its constructor-argument path,
/// which was a third of the gate's <c>--check</c> at 1,000 models. The small nested records (state, times, error,
/// progress, previous, failure, signature, writer) are still read by the serializer's own metadata. It never
/// guesses: a property it does not know, one given twice, a null or a type where the contract has none makes it
/// give up (null), and <see cref="InventoryFile.Parse"/> reads the document and words any error as ever.
/// </summary>
internal static class InventoryQuickReader
{
    private static readonly byte[][] InventoryNames = QuickJson.Names("schemaVersion", "generation", "writtenAt", "node", "writer", "models");
    private static readonly byte[][] EntryNames = QuickJson.Names("name", "version", "source", "state", "path", "bytes",
        "readyAt", "verifiedAt", "files", "signature", "onDemand", "progress", "error", "previous", "failure");
    private static readonly byte[][] FileNames = QuickJson.Names("path", "size", "sha256", "xxh128", "gitBlobSha1");

    private static StoreJsonContext Json => StoreJsonContext.Default;

    public static StoreInventory? TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            var inventory = reader.Read() ? Inventory(ref reader) : null;
            return inventory is not null && !reader.Read() ? inventory : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static StoreInventory? Inventory(ref Utf8JsonReader reader)
    {
        // A property left out is default(T) to the serializer, not the record's initializer (schemaVersion 0, models
        // null): so it is here, the same inventory to the last field.
        var inventory = new StoreInventory { SchemaVersion = 0, Models = null! };
        var seen = new QuickJson.Seen();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = QuickJson.Property(ref reader, ref seen, InventoryNames);
            inventory = property switch
            {
                0 => inventory with { SchemaVersion = reader.GetInt32() },
                1 => inventory with { Generation = reader.GetInt64() },
                2 => inventory with { WrittenAt = QuickJson.Value(ref reader, Json.DateTimeOffset) },
                3 => inventory with { Node = reader.TokenType == JsonTokenType.Null ? null : reader.GetString() },
                4 => inventory with { Writer = QuickJson.Value(ref reader, Json.WriterInfo) },
                5 => Models(ref reader) is { } models ? inventory with { Models = models } : null,
                _ => null,
            };
            if (inventory is null)
            {
                return null;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject ? inventory : null;
    }

    private static List<ModelEntry>? Models(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var models = new List<ModelEntry>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (Entry(ref reader) is not { } entry)
            {
                return null;
            }

            models.Add(entry);
        }

        return reader.TokenType == JsonTokenType.EndArray ? models : null;
    }

    private static ModelEntry? Entry(ref Utf8JsonReader reader)
    {
        ModelEntry entry = new() { Name = null!, Version = null!, Files = null! };
        var seen = new QuickJson.Seen();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = QuickJson.Property(ref reader, ref seen, EntryNames);
            entry = property switch
            {
                0 => entry with { Name = QuickJson.Required(ref reader) },
                1 => entry with { Version = QuickJson.Required(ref reader) },
                2 => entry with { Source = reader.TokenType == JsonTokenType.Null ? null : reader.GetString() },
                3 => entry with { State = QuickJson.Value(ref reader, Json.ModelState) },
                4 => entry with { Path = reader.TokenType == JsonTokenType.Null ? null : reader.GetString() },
                5 => entry with { Bytes = reader.GetInt64() },
                6 => entry with { ReadyAt = QuickJson.Value(ref reader, Json.NullableDateTimeOffset) },
                7 => entry with { VerifiedAt = QuickJson.Value(ref reader, Json.NullableDateTimeOffset) },
                8 => entry with { Files = Files(ref reader) ?? throw new JsonException() },
                9 => entry with { Signature = QuickJson.Value(ref reader, Json.SignatureRecord) },
                10 => entry with { OnDemand = reader.GetBoolean() },
                11 => entry with { Progress = QuickJson.Value(ref reader, Json.ModelProgress) },
                12 => entry with { Error = QuickJson.Value(ref reader, Json.ModelError) },
                13 => entry with { Previous = QuickJson.Value(ref reader, Json.PreviousVersion) },
                14 => entry with { Failure = QuickJson.Value(ref reader, Json.FailureRecord) },
                _ => throw new JsonException(),
            };
        }

        // name and version are required.
        return reader.TokenType == JsonTokenType.EndObject && seen.Has(0) && seen.Has(1) ? entry : null;
    }

    private static List<FileEntry>? Files(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var files = new List<FileEntry>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? path = null, sha256 = null, xxh128 = null, gitBlobSha1 = null;
            long size = 0;
            var seen = new QuickJson.Seen();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                switch (QuickJson.Property(ref reader, ref seen, FileNames))
                {
                    case 0: path = QuickJson.Required(ref reader); break;
                    case 1: size = reader.GetInt64(); break;
                    case 2: sha256 = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                    case 3: xxh128 = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                    default: gitBlobSha1 = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || path is null)
            {
                return null;
            }

            files.Add(new FileEntry { Path = path, Size = size, Sha256 = sha256, Xxh128 = xxh128, GitBlobSha1 = gitBlobSha1 });
        }

        return reader.TokenType == JsonTokenType.EndArray ? files : null;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Inventory;

/// <summary>Reads and writes <c>inventory.json</c>. Reads never fail because of a concurrent replace:
/// the writer renames a complete file over the old one, so an open sees one whole version. A read from the store
/// includes what the live file says of the same writer (<see cref="LiveFile.Overlay"/>).</summary>
public static class InventoryFile
{
    public static InventoryReadResult Read(StoreLayout layout) => Read(layout, quick: false);

    /// <param name="quick">Try <see cref="InventoryQuickReader"/> first (the gate): the same inventory, read faster
    /// when it is as the daemon writes it; any other is parsed as <see cref="Parse"/> parses it.</param>
    /// <param name="typeInfo">Another contract for the same document (the <c>status</c> table skips the file lists).</param>
    public static InventoryReadResult Read(StoreLayout layout, bool quick, JsonTypeInfo<StoreInventory>? typeInfo = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(layout.InventoryPath);
        }
        catch (FileNotFoundException)
        {
            return InventoryReadResult.Fail($"no inventory at {layout.InventoryPath}");
        }
        catch (DirectoryNotFoundException)
        {
            return InventoryReadResult.Fail($"store root {layout.Root} does not exist");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return InventoryReadResult.Fail($"cannot read {layout.InventoryPath}: {ex.Message}");
        }

        var read = quick && InventoryQuickReader.TryRead(bytes) is { SchemaVersion: StoreInventory.CurrentSchemaVersion } inventory
            ? InventoryReadResult.Ok(inventory)
            : Parse(bytes, layout.InventoryPath, typeInfo);
        // The writer's heartbeat and its downloads' progress live beside it, rewritten every few seconds (LiveFile).
        return read.Inventory is { } found ? InventoryReadResult.Ok(LiveFile.Overlay(found, LiveFile.TryRead(layout))) : read;
    }

    public static InventoryReadResult Parse(ReadOnlySpan<byte> json, string source, JsonTypeInfo<StoreInventory>? typeInfo = null)
    {
        try
        {
            var inventory = JsonSerializer.Deserialize(json, typeInfo ?? StoreJsonContext.Default.StoreInventory);
            if (inventory is null)
            {
                return InventoryReadResult.Fail($"{source}: inventory is null");
            }

            return inventory.SchemaVersion != StoreInventory.CurrentSchemaVersion
                ? InventoryReadResult.Fail($"{source}: schemaVersion {inventory.SchemaVersion} is not supported (expected {StoreInventory.CurrentSchemaVersion})")
                : InventoryReadResult.Ok(inventory);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"{source}:{line + 1}" : source;
            return InventoryReadResult.Fail($"{where}: corrupt inventory: {ex.Message}");
        }
    }

    public static void Write(StoreLayout layout, StoreInventory inventory)
    {
        Directory.CreateDirectory(layout.Root);
        AtomicFile.WriteJson(layout.InventoryPath, inventory, StoreJsonContext.Default.StoreInventory);
    }
}

public sealed record InventoryReadResult(StoreInventory? Inventory, string? Error)
{
    public static InventoryReadResult Ok(StoreInventory inventory) => new(inventory, null);

    public static InventoryReadResult Fail(string error) => new(null, error);
}

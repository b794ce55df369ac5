namespace ModelSync.Store.Inventory;

/// <summary>
/// <c>models/&lt;name&gt;/&lt;version&gt;/.modelsync.json</c>: written last into a verified staging
/// directory, so a published version with a marker is complete by construction. The inventory can
/// always be rebuilt from these.
/// </summary>
public sealed record ModelMarker
{
    public int SchemaVersion { get; init; } = StoreInventory.CurrentSchemaVersion;

    public required string Name { get; init; }

    public required string Version { get; init; }

    public DateTimeOffset PublishedAt { get; init; }

    public IReadOnlyList<FileEntry> Files { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public long Bytes => Files.Sum(f => f.Size);
}

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

    /// <summary>Where the version was resolved from, for sources that resolve (<c>hf://org/repo@main</c>);
    /// absent for a manifest that lists its files. Lets a restart with the hub unreachable keep serving it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }

    public IReadOnlyList<FileEntry> Files { get; init; } = [];

    /// <summary>The model signature verified before publication; absent when none was asked for.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SignatureRecord? Signature { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public long Bytes => Files.Sum(f => f.Size);

    /// <summary>True when this marker lists exactly <paramref name="files"/>: the same paths and sizes, and
    /// every digest those entries carry (a git blob id only where the marker has one: markers written before
    /// it was recorded hold the same commit's files).</summary>
    public bool Lists(IReadOnlyCollection<FileEntry> files)
    {
        var published = Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        return published.Count == files.Count && files.All(f => published.TryGetValue(f.Path, out var m)
            && m.Size == f.Size && (f.Sha256 is null || m.Sha256 == f.Sha256) && (f.Xxh128 is null || m.Xxh128 == f.Xxh128)
            && (f.GitBlobSha1 is null || m.GitBlobSha1 is null || m.GitBlobSha1 == f.GitBlobSha1));
    }
}

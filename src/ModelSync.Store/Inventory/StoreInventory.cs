namespace ModelSync.Store.Inventory;

/// <summary>The content of <c>inventory.json</c>: what the daemon last knew about every model.</summary>
public sealed record StoreInventory
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public long Generation { get; init; }

    public DateTimeOffset WrittenAt { get; init; }

    public string? Node { get; init; }

    public IReadOnlyList<ModelEntry> Models { get; init; } = [];

    public ModelEntry? Find(string name) => Models.FirstOrDefault(m => m.Name == name);
}

public sealed record ModelEntry
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>As <see cref="ModelMarker.Source"/>: the reference <see cref="Version"/> was resolved from.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }

    public ModelState State { get; init; }

    /// <summary>Relative to the store root, e.g. <c>models/finbert/2024-06</c>. Null until published.</summary>
    public string? Path { get; init; }

    public long Bytes { get; init; }

    public DateTimeOffset? ReadyAt { get; init; }

    public DateTimeOffset? VerifiedAt { get; init; }

    public IReadOnlyList<FileEntry> Files { get; init; } = [];

    public ModelProgress? Progress { get; init; }

    public ModelError? Error { get; init; }

    /// <summary>
    /// The version that stays usable while <see cref="Version"/> downloads or after it failed; a gate
    /// that accepts any version may pass on it.
    /// </summary>
    public PreviousVersion? Previous { get; init; }

    /// <summary>The failure policy's memory of this model's failing streak (backoff, parking, bytes spent);
    /// absent while nothing failed since the model was last Ready. Added in schemaVersion 1 (readers ignore it).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public FailureRecord? Failure { get; init; }
}

public sealed record PreviousVersion(string Version, string Path, IReadOnlyList<FileEntry> Files);

public sealed record FileEntry
{
    public required string Path { get; init; }

    public long Size { get; init; }

    public string? Sha256 { get; init; }

    public string? Xxh128 { get; init; }

    /// <summary>The git blob id a Hugging Face repository names a non-LFS file by; kept so a later commit's
    /// unchanged file is found on this node by the same id. Absent for files not from the hub.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? GitBlobSha1 { get; init; }
}

public sealed record ModelProgress(long BytesDone, long BytesTotal);

public sealed record ModelError
{
    public required string Reason { get; init; }

    public required string Message { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset? NextRetryAt { get; init; }

    /// <summary>The file of the model the failure is about, when it is about one (relative to the version directory).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? File { get; init; }
}

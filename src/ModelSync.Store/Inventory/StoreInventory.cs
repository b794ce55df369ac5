namespace ModelSync.Store.Inventory;

/// <summary>The content of <c>inventory.json</c>: what the daemon last knew about every model.</summary>
public sealed record StoreInventory
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public long Generation { get; init; }

    public DateTimeOffset WrittenAt { get; init; }

    public string? Node { get; init; }

    /// <summary>Who writes this file and when it last did (added in revision 2 of schema 1; absent from
    /// older writers). Readers use it with the store lock to tell a live writer from a gone one (<see cref="WriterCheck"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public WriterInfo? Writer { get; init; }

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

    /// <summary>As <see cref="ModelMarker.Signature"/>, for a Ready version.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SignatureRecord? Signature { get; init; }

    /// <summary>The manifest places it on demand (docs/manifest.md, "On demand"): a gate must pin it. Written only when true.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool OnDemand { get; init; }

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

public sealed record PreviousVersion(string Version, string Path, IReadOnlyList<FileEntry> Files)
{
    /// <summary>As <see cref="ModelMarker.Signature"/>: what a gate that requires signed versions accepts it by.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SignatureRecord? Signature { get; init; }
}

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

public sealed record ModelProgress(long BytesDone, long BytesTotal)
{
    /// <summary>Bytes/s over the last few seconds when the entry was written; absent when nothing moves.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? BytesPerSecond { get; init; }

    /// <summary>The file (relative to the version) that last received bytes.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CurrentFile { get; init; }

    /// <summary>What is left at the recorded rate; null without a rate.</summary>
    public TimeSpan? Eta() => BytesPerSecond is > 0 and var rate && BytesTotal >= BytesDone
        ? TimeSpan.FromSeconds(Math.Ceiling((BytesTotal - BytesDone) / rate))
        : null;

    /// <summary>The figures of a model that stopped moving: done and total stay, rate and file go.</summary>
    public ModelProgress Stopped() => this with { BytesPerSecond = null, CurrentFile = null };
}

/// <summary>The process writing the inventory. <c>mode</c> is <c>run</c>, <c>sync</c> or a verb.</summary>
public sealed record WriterInfo
{
    public required int Pid { get; init; }

    public required string Host { get; init; }

    public required string Mode { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Rewritten with every write and at least every 15 s while the writer holds the lock.</summary>
    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>Set by a writer that stopped cleanly (SIGTERM, the end of a <c>sync</c>); null while it runs.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? StoppedAt { get; init; }
}

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

using System.Text.Json.Serialization;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Http;

/// <summary>The body of <c>GET /status</c> (docs/operations.md); the page renders exactly this.</summary>
internal sealed record StatusDocument
{
    public required string? Node { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary><c>WaitingForLock</c>, <c>Reconciling</c> or <c>Idle</c>.</summary>
    public required string Phase { get; init; }

    public required bool Ready { get; init; }

    /// <summary>Why /readyz says 503; null when ready.</summary>
    public string? NotReady { get; init; }

    public required bool Healthy { get; init; }

    public string? Unhealthy { get; init; }

    /// <summary>The live inventory (progress newer than on disk); null while waiting for the store lock.</summary>
    public StoreInventory? Inventory { get; init; }

    /// <summary>Bytes/s per model over the last few seconds.</summary>
    public required IReadOnlyDictionary<string, double> Rates { get; init; }

    public required ReconcileSection Reconcile { get; init; }

    public required ManifestSection Manifest { get; init; }

    public required StoreSection Store { get; init; }

    public GcSection? Gc { get; init; }

    /// <summary>Every version directory on disk: current, pinned by a pod, last used (docs/operations.md, "Pins in status").</summary>
    public IReadOnlyList<VersionSection> Versions { get; init; } = [];

    /// <summary>Which models are for this node and why (docs/daemon.md, "Placement"); null before the first pass decided.</summary>
    public PlacementView? Placement { get; init; }

    /// <summary>Who writes the inventory and whether it is still there (<c>WriterCheck</c>); null before any inventory.</summary>
    public WriterSection? Writer { get; init; }
}

/// <summary><c>liveness</c> is <c>Active</c>, <c>Stopped</c>, <c>Gone</c> or <c>Silent</c>; <c>frozen</c>: a Downloading model there is not moving.</summary>
internal sealed record WriterSection(string Liveness, bool Frozen, string Text, string? Mode, int? Pid, string? Host, DateTimeOffset? HeartbeatAt);

internal sealed record ReconcileSection(
    bool InProgress,
    int Passes,
    DateTimeOffset? LastStartedAt,
    DateTimeOffset? LastFinishedAt,
    int? LastReady,
    int? LastFailed,
    bool? LastSuccess,
    string? LastError,
    DateTimeOffset? NextAt,
    TimeSpan Interval);

internal sealed record ManifestModel(string Name, string Version, long Bytes, int Files);

internal sealed record ManifestSection(
    string Path,
    DateTimeOffset LoadedAt,
    IReadOnlyList<ManifestModel> Models,
    DateTimeOffset? ReloadFailedAt,
    IReadOnlyList<string> ReloadProblems,
    IReadOnlyList<string> RestartRequired);

internal sealed record StoreSection(string Root, long BytesUsed, long? CapacityBytes, long ReserveBytes, long FilesystemFreeBytes, long FilesystemTotalBytes, int KeepVersions);

internal sealed record VersionSection(string Model, string Version, bool Current, bool Pinned, DateTimeOffset? PublishedAt, DateTimeOffset? LastUsed);

internal sealed record GcSection(DateTimeOffset At, IReadOnlyList<string> Removed, IReadOnlyList<string> Failures);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;

using ModelSync.Store.Validation;

namespace ModelSync.Gate.Cli;

/// <summary>What the gate was asked to do, after the command line and the environment were merged.</summary>
internal sealed record GateOptions
{
    public const string DefaultRoot = "/app/models";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    /// <summary>Covers kubelet's ConfigMap refresh (its sync period plus its cache's TTL, about a minute each by
    /// default) and the daemon's reload, so a model added to the manifest with the pod is not given up on.</summary>
    public static readonly TimeSpan DefaultAbsentGrace = TimeSpan.FromMinutes(3);

    public string Root { get; init; } = DefaultRoot;

    /// <summary>Null means every model the inventory lists.</summary>
    public IReadOnlyList<ModelRequirement>? Requirements { get; init; }

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>How long a required model must stay absent or parked, with the daemon live and idle, before the
    /// wait gives up on it (exit 4); zero gives up at the first such look.</summary>
    public TimeSpan AbsentGrace { get; init; } = DefaultAbsentGrace;

    public VerifyMode Verify { get; init; } = VerifyMode.Size;

    public bool Check { get; init; }

    /// <summary><c>--require-signed</c>: only a version with a verified model signature counts (docs/signatures.md).</summary>
    public bool RequireSigned { get; init; }

    public bool Json { get; init; }

    /// <summary><c>--hold</c>: wait, pin, then stay until SIGTERM (docs/gate.md, "Pins").</summary>
    public bool Hold { get; init; }

    /// <summary><c>--paths-file</c> of <c>--hold</c>: where the pinned paths are written, and read back on a restart.</summary>
    public string? PathsFile { get; init; }

    /// <summary>What follows <c>--</c>: the service to exec with the pins held; null without <c>--</c>.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary><c>--pinned FILE</c>: exit 0 when every path FILE lists is pinned now (a startupProbe for --hold).</summary>
    public string? PinnedProbe { get; init; }

    /// <summary><c>--install DIR</c>: copy this binary to DIR/ModelSync.Gate (for the exec form's emptyDir).</summary>
    public string? InstallDir { get; init; }

    public bool Help { get; init; }

    public bool Version { get; init; }

    public string VerifyName => Verify == VerifyMode.Full ? "full" : "size";
}

using ModelSync.Store.Validation;

namespace ModelSync.Gate.Cli;

/// <summary>What the gate was asked to do, after the command line and the environment were merged.</summary>
internal sealed record GateOptions
{
    public const string DefaultRoot = "/app/models";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    public string Root { get; init; } = DefaultRoot;

    /// <summary>Null means every model the inventory lists.</summary>
    public IReadOnlyList<ModelRequirement>? Requirements { get; init; }

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public TimeSpan Interval { get; init; } = DefaultInterval;

    public VerifyMode Verify { get; init; } = VerifyMode.Size;

    public bool Check { get; init; }

    public bool Json { get; init; }

    public bool Help { get; init; }

    public bool Version { get; init; }

    public string VerifyName => Verify == VerifyMode.Full ? "full" : "size";
}

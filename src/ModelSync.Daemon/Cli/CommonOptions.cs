using System.CommandLine;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Directories;
using ModelSync.Daemon.Sources;
using Serilog.Events;

namespace ModelSync.Daemon.Cli;

/// <summary>Options shared by several verbs. Defaults come from env vars, so a pod spec needs no args.</summary>
internal static class CommonOptions
{
    public const string DefaultManifest = "/etc/modelsync/models.yaml";

    public static Option<string> Manifest() => new("--manifest", "-m")
    {
        Description = "The manifest (YAML), or a directory of them (every *.yaml/*.yml, e.g. a projected volume). Env: MODELSYNC_MANIFEST.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MODELSYNC_MANIFEST") is { Length: > 0 } m ? m : DefaultManifest,
    };

    public static Option<LogFormat> LogFormat() => new("--log-format")
    {
        Description = "text or json (compact JSON, one event per line). Env: MODELSYNC_LOG_FORMAT.",
        DefaultValueFactory = result => EnumNames.FromEnvironment<LogFormat>(result, "MODELSYNC_LOG_FORMAT") ?? Logging.LogFormat.Text,
        CustomParser = result => EnumNames.FromOption<LogFormat>(result, "--log-format") ?? Logging.LogFormat.Text,
    };

    /// <summary>Null when neither the option nor the env var says: each verb has its own default.</summary>
    public static Option<LogEventLevel?> LogLevel() => new("--log-level")
    {
        Description = "verbose, debug, information, warning, error or fatal (default: information; sync on a terminal: warning). Env: MODELSYNC_LOG_LEVEL.",
        DefaultValueFactory = result => EnumNames.FromEnvironment<LogEventLevel>(result, "MODELSYNC_LOG_LEVEL"),
        CustomParser = result => EnumNames.FromOption<LogEventLevel>(result, "--log-level"),
    };

    public static Option<string> Node() => new("--node")
    {
        Description = "Node name written into the inventory. Env: MODELSYNC_NODE (the pod's spec.nodeName).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MODELSYNC_NODE") is { Length: > 0 } n ? n : Environment.MachineName,
    };

    /// <summary>The node's name as the operator gave it (the option, else <c>MODELSYNC_NODE</c>); null when neither did.
    /// Placement decides on it, so it never falls back to the host name as the inventory's node does.</summary>
    public static string? GivenNode(ParseResult parse, Option<string> node) =>
        parse.GetResult(node) is { Implicit: false } || Environment.GetEnvironmentVariable("MODELSYNC_NODE") is { Length: > 0 } ? parse.GetValue(node) : null;

    public static Option<string?> Root() => new("--root")
    {
        Description = "Store root; defaults to store.root of --manifest.",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of a table." };

    /// <summary>Loads the manifest with the daemon's source kinds (<see cref="SourceKinds.Create"/>, the host's
    /// registration) or prints every problem to stderr; null means exit <see cref="ExitCodes.Usage"/>.</summary>
    /// <param name="leaveOutBadFiles">For a directory, as run mode starts: a bad file is left out (its problems
    /// printed) unless it holds the settings (<see cref="ManifestDirectoryLoader.LoadLeavingOut"/>).</param>
    public static ModelManifest? LoadManifest(string path, bool leaveOutBadFiles = false)
    {
        var result = leaveOutBadFiles && Directory.Exists(path)
            ? ManifestDirectoryLoader.LoadLeavingOut(path, SourceKinds.Create().Syntax)
            : ManifestLoader.Load(path, SourceKinds.Create().Syntax);
        // The parse of a 1,000-model manifest leaves ~50 MB of dead YAML events and nodes, most of it promoted
        // past gen0 while the tree was built: given back now, before the verb's own work stacks on top of it,
        // so a sync peaks at the larger of the two, not their sum.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        foreach (var problem in result.Problems)
        {
            Console.Error.WriteLine(problem);
        }

        if (result.Manifest?.FileSet is { } set && set.HeldBackFiles(path) is { Count: > 0 } left)
        {
            Console.Error.WriteLine($"{path}: left out, their models not in force: {string.Join(", ", left)}");
            return result.Manifest;
        }

        return result.Problems.Count == 0 ? result.Manifest : null;
    }
}

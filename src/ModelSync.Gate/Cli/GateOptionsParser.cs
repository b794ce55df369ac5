namespace ModelSync.Gate.Cli;

/// <summary>
/// Hand-written so the AOT binary stays small. The environment is read first and the command line
/// overrides it, so a bad env value that the command line replaces is never an error.
/// </summary>
internal static class GateOptionsParser
{
    private static readonly (string Option, string Env, bool IsFlag)[] Known =
    [
        ("--root", "MODELSYNC_ROOT", false),
        ("--require", "MODELSYNC_REQUIRE", false),
        ("--timeout", "MODELSYNC_TIMEOUT", false),
        ("--interval", "MODELSYNC_INTERVAL", false),
        ("--absent-grace", "MODELSYNC_ABSENT_GRACE", false),
        ("--verify", "MODELSYNC_VERIFY", false),
        ("--check", "MODELSYNC_CHECK", true),
        ("--json", "MODELSYNC_JSON", true),
        ("--hold", "MODELSYNC_HOLD", true),
        ("--require-signed", "MODELSYNC_REQUIRE_SIGNED", true),
        ("--paths-file", "MODELSYNC_PATHS_FILE", false),
    ];

    /// <summary>Returns null and a one-line <paramref name="error"/> naming the argument on a usage error.</summary>
    public static GateOptions? Parse(IReadOnlyList<string> args, Func<string, string?> env, out string? error)
    {
        // option -> (raw value, where it came from, so the error names what the user actually wrote)
        var raw = new Dictionary<string, (string Value, string Source)>(StringComparer.Ordinal);
        foreach (var (option, variable, _) in Known)
        {
            // An empty variable is an unset one: templated pod specs often render `value: ""`.
            if (env(variable) is { Length: > 0 } value)
            {
                raw[option] = (value, variable);
            }
        }

        var help = false;
        var version = false;
        List<string>? command = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                command = [.. args.Skip(i + 1)];
                break;
            }

            if (arg is "--help" or "-h")
            {
                help = true;
                continue;
            }

            if (arg is "--version")
            {
                version = true;
                continue;
            }

            // Copies the gate into an emptyDir for the exec form (the gate image has no cp). Command line only.
            if (arg is "--install")
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = "option '--install' needs a value";
                    return null;
                }

                error = null;
                return new GateOptions { InstallDir = args[i + 1] };
            }

            // The --hold sidecar's startupProbe. Command line only: an env var would turn the holder itself into a probe.
            if (arg is "--pinned")
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = "option '--pinned' needs a value";
                    return null;
                }

                error = null;
                return new GateOptions { PinnedProbe = args[i + 1] };
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? arg[..eq] : arg;
            var known = Array.FindIndex(Known, k => k.Option == name);
            if (known < 0)
            {
                error = arg.StartsWith('-') ? $"unknown option '{arg}'" : $"unexpected argument '{arg}'";
                return null;
            }

            if (Known[known].IsFlag)
            {
                if (eq > 0)
                {
                    error = $"option '{name}' takes no value (got '{arg}')";
                    return null;
                }

                raw[name] = ("true", name);
            }
            else if (eq > 0)
            {
                raw[name] = (arg[(eq + 1)..], name);
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                raw[name] = (args[++i], name);
            }
            else
            {
                error = $"option '{name}' needs a value";
                return null;
            }
        }

        if (help || version)
        {
            error = null;
            return new GateOptions { Help = help, Version = version && !help };
        }

        var options = OptionValues.Build(raw, out error);
        return options is null ? null : PinForms(options with { Command = command }, out error);
    }

    /// <summary>The two forms that hold pins (docs/gate.md, "Pins") and what they refuse.</summary>
    private static GateOptions? PinForms(GateOptions options, out string? error)
    {
        error = options switch
        {
            { Command: { Count: 0 } } => "nothing to run after '--'",
            { Command: not null, Hold: true } => "'-- CMD' and --hold are two forms of pinning: use one",
            { Command: not null, Check: true } or { Hold: true, Check: true } => "--check pins nothing: it cannot go with '-- CMD' or --hold",
            { Command: not null, Json: true } or { Hold: true, Json: true } => "--json cannot go with '-- CMD' or --hold",
            { PathsFile: not null, Hold: false } => "--paths-file (MODELSYNC_PATHS_FILE) needs --hold",
            { Requirements: null } and ({ Command: not null } or { Hold: true }) =>
                "pinning needs an explicit --require (or MODELSYNC_REQUIRE): a pod pins the models it uses, never every model on the node",
            _ => null,
        };
        return error is null ? options : null;
    }
}

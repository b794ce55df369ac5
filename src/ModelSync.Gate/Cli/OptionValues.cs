using ModelSync.Store.Text;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Cli;

/// <summary>Turns the merged raw strings into <see cref="GateOptions"/>, naming the source of any bad value.</summary>
internal static class OptionValues
{
    /// <summary>The longest a single wait can be (a wait handle takes int milliseconds): about 24 days.
    /// The gate's own limit on top of the shared duration grammar.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(int.MaxValue);

    public static GateOptions? Build(Dictionary<string, (string Value, string Source)> raw, out string? error)
    {
        var options = new GateOptions();
        error = null;
        if (raw.TryGetValue("--root", out var root))
        {
            if (string.IsNullOrWhiteSpace(root.Value))
            {
                error = $"{root.Source}: the store root is empty";
                return null;
            }

            options = options with { Root = root.Value };
        }

        // An empty MODELSYNC_REQUIRE means "not set", so a templated pod spec can leave it blank.
        if (raw.TryGetValue("--require", out var require) && !string.IsNullOrWhiteSpace(require.Value))
        {
            var list = ModelRequirement.ParseList(require.Value, out var listError);
            if (list is null)
            {
                error = $"{require.Source}: {listError}";
                return null;
            }

            options = options with { Requirements = list };
        }

        if (!TryDuration(raw, "--timeout", options.Timeout, allowZero: true, out var timeout, ref error)
            || !TryDuration(raw, "--interval", options.Interval, allowZero: false, out var interval, ref error)
            || !TryDuration(raw, "--absent-grace", options.AbsentGrace, allowZero: true, out var absentGrace, ref error))
        {
            return null;
        }

        options = options with { Timeout = timeout, Interval = interval, AbsentGrace = absentGrace };
        if (raw.TryGetValue("--verify", out var verify))
        {
            VerifyMode? mode = verify.Value.ToLowerInvariant() switch { "size" => VerifyMode.Size, "full" => VerifyMode.Full, _ => null };
            if (mode is null)
            {
                error = $"{verify.Source}: '{verify.Value}' is not size or full";
                return null;
            }

            options = options with { Verify = mode.Value };
        }

        if (!TryFlag(raw, "--check", out var check, ref error) || !TryFlag(raw, "--json", out var json, ref error)
            || !TryFlag(raw, "--hold", out var hold, ref error) || !TryFlag(raw, "--require-signed", out var requireSigned, ref error))
        {
            return null;
        }

        string? pathsFile = null;
        if (raw.TryGetValue("--paths-file", out var paths))
        {
            if (string.IsNullOrWhiteSpace(paths.Value))
            {
                error = $"{paths.Source}: the paths file is empty";
                return null;
            }

            pathsFile = paths.Value;
        }

        return options with { Check = check, Json = json, Hold = hold, PathsFile = pathsFile, RequireSigned = requireSigned };
    }

    private static bool TryDuration(Dictionary<string, (string Value, string Source)> raw, string option, TimeSpan fallback, bool allowZero, out TimeSpan value, ref string? error)
    {
        value = fallback;
        if (!raw.TryGetValue(option, out var given))
        {
            return true;
        }

        if (!DurationText.TryParse(given.Value, out value, out _) || value > MaxWait || (!allowZero && value <= TimeSpan.Zero))
        {
            error = $"{given.Source}: '{given.Value}' is not a {(allowZero ? "" : "positive ")}duration such as 500ms, 2s, 5m, 1h30m (at most {DurationText.Format(MaxWait)})";
            return false;
        }

        return true;
    }

    private static bool TryFlag(Dictionary<string, (string Value, string Source)> raw, string option, out bool value, ref string? error)
    {
        value = false;
        if (!raw.TryGetValue(option, out var given))
        {
            return true;
        }

        switch (given.Value.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                value = true;
                return true;
            case "false" or "0" or "no" or "":
                return true;
            default:
                error = $"{given.Source}: '{given.Value}' is not true/1 or false/0";
                return false;
        }
    }
}

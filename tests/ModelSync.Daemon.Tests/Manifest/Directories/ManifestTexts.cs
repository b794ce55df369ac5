namespace ModelSync.Daemon.Tests.Manifest.Directories;

/// <summary>The files of a manifest directory, as teams write them: one with the settings, others with models.</summary>
internal static class ManifestTexts
{
    public const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static string Settings(string root = "/var/lib/models", string sync = "  interval: 5m\n") =>
        $"store:\n  root: {root}\nsync:\n{sync}";

    /// <summary>A <c>models:</c> list of one-file models, each <c>(name, version)</c>.</summary>
    public static string Models(params (string Name, string Version)[] models) =>
        "models:\n" + string.Concat(models.Select(m =>
            $"  - name: {m.Name}\n    version: \"{m.Version}\"\n    files:\n      - path: a.bin\n        url: http://127.0.0.1:1/{m.Name}.bin\n        size: 1\n        sha256: {Sha}\n"));
}

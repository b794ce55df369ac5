namespace ModelSync.TestKit;

/// <summary>
/// The daemon under test, for every suite that runs it as a process: <c>MODELSYNC_DAEMON_DIR</c>, else
/// the newest of <c>artifacts/daemon</c> (scripts/publish.sh) and the daemon's own
/// <c>bin/Release|Debug/net10.0</c>, so a stale publish never hides a fresh build (or the other way round).
/// </summary>
public static class DaemonBinary
{
    public const string DllName = "ModelSync.Daemon.dll";

    private static readonly Lazy<string> Located = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Dll => Located.Value;

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("MODELSYNC_DAEMON_DIR") is { Length: > 0 } dir)
        {
            var dll = Path.Combine(dir, DllName);
            return File.Exists(dll)
                ? dll
                : throw new InvalidOperationException($"MODELSYNC_DAEMON_DIR={dir} has no {DllName}; run 'bash scripts/publish.sh' or unset it");
        }

        var bin = RepoRoot.Combine("src", "ModelSync.Daemon", "bin");
        string[] candidates =
        [
            RepoRoot.Combine("artifacts", "daemon", DllName),
            Path.Combine(bin, "Release", "net10.0", DllName),
            Path.Combine(bin, "Debug", "net10.0", DllName),
        ];
        // Runnable means with its runtimeconfig: a bare dll cannot be started with 'dotnet'.
        var found = candidates.Where(d => File.Exists(d) && File.Exists(Path.ChangeExtension(d, ".runtimeconfig.json")))
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
        return found ?? throw new InvalidOperationException(
            $"no daemon binary found; looked for {string.Join(", ", candidates)}. Run 'bash scripts/publish.sh' "
            + "(or 'dotnet build src/ModelSync.Daemon'), or point MODELSYNC_DAEMON_DIR at a directory with " + DllName);
    }
}

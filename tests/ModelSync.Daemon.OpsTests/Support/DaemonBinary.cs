namespace ModelSync.Daemon.OpsTests.Support;

/// <summary>
/// Where the daemon under test lives: <c>MODELSYNC_DAEMON_DIR</c>, else <c>artifacts/daemon</c> from
/// <c>scripts/publish.sh</c>, else the daemon project's build output of this test's configuration.
/// </summary>
public static class DaemonBinary
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Dll { get; } = FindDll();

    private static string FindDll()
    {
        const string name = "ModelSync.Daemon.dll";
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("MODELSYNC_DAEMON_DIR") is { Length: > 0 } dir)
        {
            candidates.Add(Path.Combine(dir, name));
        }
        else
        {
            candidates.Add(Path.Combine(RepoRoot, "artifacts", "daemon", name));
            candidates.Add(Path.Combine(RepoRoot, "src", "ModelSync.Daemon", "bin", configuration, "net10.0", name));
        }

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"daemon not found; run scripts/publish.sh or set MODELSYNC_DAEMON_DIR. Looked at: {string.Join(", ", candidates)}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelSync.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("ModelSync.slnx not found above " + AppContext.BaseDirectory);
    }
}

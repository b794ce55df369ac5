using System.Diagnostics;
using ModelSync.TestKit;

namespace ModelSync.Gate.Tests.Support;

/// <summary>
/// The real Native AOT gate: <c>MODELSYNC_GATE_BIN</c>, else <c>artifacts/gate/ModelSync.Gate</c>. When that
/// is missing or older than a gate/store source file, <c>scripts/publish.sh gate</c> runs once for the whole
/// test run, so a plain <c>dotnet test</c> never tests a stale binary (scripts/test.sh publishes first).
/// </summary>
public static class GateBinary
{
    private static readonly Lazy<string> Located = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => Located.Value;

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("MODELSYNC_GATE_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"MODELSYNC_GATE_BIN={configured} does not exist");
        }

        var repo = RepoRoot.Path;
        var binary = System.IO.Path.Combine(repo, "artifacts", "gate", "ModelSync.Gate");
        if (!File.Exists(binary) || File.GetLastWriteTimeUtc(binary) < NewestSource(repo))
        {
            Publish(repo);
        }

        return File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"{binary} is missing after 'bash scripts/publish.sh'; run it by hand to see why");
    }

    private static DateTime NewestSource(string repo) =>
        new[] { "src/ModelSync.Gate", "src/ModelSync.Store" }
            .SelectMany(dir => Directory.EnumerateFiles(System.IO.Path.Combine(repo, dir), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);

    private static void Publish(string repo)
    {
        var info = new ProcessStartInfo("bash", ["scripts/publish.sh", "gate"]) { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'bash scripts/publish.sh gate' failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
        }
    }
}

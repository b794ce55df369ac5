using System.Diagnostics;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Gate.Tests.Support;
using ModelSync.TestKit;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests.Support;

/// <summary>
/// Runs the gate (and, through <see cref="DaemonRunner.RunAsUser"/>, the daemon) as uid/gid 65532, as the DaemonSet and service pods do (deploy/kustomize):
/// as root, permission bits stop nothing, so tests of modes must drop root first (setpriv).
/// </summary>
internal static class Unprivileged
{
    public const int Id = 65532;

    // The checkout may sit below a directory only root can enter (mktemp -d is 0700): the binaries are run
    // from copies the unprivileged user can reach, as an image holds them for the pod's user.
    private static readonly Lazy<string> GateCopy = new(() => Path.Combine(Reachable(Path.GetDirectoryName(GateBinary.Path)!), Path.GetFileName(GateBinary.Path)));
    private static readonly Lazy<string> DaemonCopy = new(() => Path.Combine(Reachable(Path.GetDirectoryName(DaemonRunner.Binary)!), Path.GetFileName(DaemonRunner.Binary)));

    public static (int ExitCode, string Output) Gate(ITestOutputHelper log, string root, params string[] requirements) =>
        Run(log, [.. Emulator.Command, GateCopy.Value, "--root", root, "--check", "--verify", "full", "--require", string.Join(',', requirements)]);

    /// <summary>The daemon as the unprivileged user: the test kit's runner, from a copy that user can reach.</summary>
    public static DaemonResult Daemon(ITestOutputHelper log, params string[] args) => DaemonRunner.RunAsUser(log, Id, DaemonCopy.Value, args);

    /// <summary>A copy of <paramref name="dir"/>'s files in a fresh world-readable temp directory.</summary>
    private static string Reachable(string dir)
    {
        var copy = Directory.CreateTempSubdirectory("modelsync-unprivileged-").FullName;
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        Run(null, ["chmod", "-R", "a+rX", copy], asRoot: true);
        return copy;
    }

    /// <summary>Hands the whole tree to the unprivileged user, as the deploy's chown init container does.</summary>
    public static void Chown(string path) => Run(null, ["chown", "-R", $"{Id}:{Id}", path], asRoot: true);

    private static (int ExitCode, string Output) Run(ITestOutputHelper? log, string[] command, bool asRoot = false)
    {
        var info = new ProcessStartInfo(asRoot ? command[0] : "setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!asRoot)
        {
            foreach (var arg in new[] { $"--reuid={Id}", $"--regid={Id}", "--clear-groups", "--" })
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in asRoot ? command[1..] : command)
        {
            info.ArgumentList.Add(arg);
        }

        info.WorkingDirectory = Path.GetTempPath(); // the test's own bin dir may be out of the user's reach
        info.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["MODELSYNC_LOG_FORMAT"] = "text";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(DaemonRunner.HangGuard))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} still running after {DaemonRunner.HangGuard}");
        }

        var output = stdout.Result + stderr.Result;
        log?.WriteLine($"$ (uid {Id}) {string.Join(' ', command)}\n{output}exit {process.ExitCode}");
        return (process.ExitCode, output);
    }
}

/// <summary>A fact that needs root to drop to another user; skipped, saying why, otherwise.</summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = $"needs root to run the gate and daemon as uid {Unprivileged.Id}; running as {Environment.UserName}";
        }
    }
}

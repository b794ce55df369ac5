using System.Diagnostics;
using ModelSync.TestKit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>What one run of the daemon process left behind.</summary>
public sealed record DaemonResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary><c>var (exit, output) = ...</c>: the exit code and everything the process wrote.</summary>
    public void Deconstruct(out int exitCode, out string output) => (exitCode, output) = (ExitCode, Output);
}

/// <summary>
/// The one way every suite runs the real daemon: <c>ModelSync.Daemon VERB ...</c> (which binary, native or a
/// dll run by <c>dotnet</c>, is <see cref="DaemonBinary"/>'s business), a one-shot verb to its exit or a
/// <c>run --listen</c> daemon to talk to over HTTP (<see cref="Listen"/>). The environment is the same for all:
/// node <see cref="DefaultNode"/> unless told, text logs, no inherited <c>MODELSYNC_LISTEN</c>/<c>MODELSYNC_MANIFEST</c>,
/// stdin closed.
/// </summary>
public static class DaemonRunner
{
    public const string DllName = DaemonBinary.DllName;

    /// <summary>The node name a test daemon reports unless the test names another.</summary>
    public const string DefaultNode = "it-node";

    /// <summary>A hang guard only: a sync in these tests finishes in seconds.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    /// <summary>The native binary or the dll: <see cref="DaemonBinary.Path"/>.</summary>
    public static string Binary => DaemonBinary.Path;

    /// <summary>Kept so callers written against the suite-local runner still compile; the one finder is <see cref="ModelSync.TestKit.RepoRoot"/>.</summary>
    public static string RepoRoot => ModelSync.TestKit.RepoRoot.Path;

    public static ProcessStartInfo StartInfo(params string[] args) => StartInfo(DefaultNode, args);

    /// <param name="binary">Default <see cref="DaemonBinary.Path"/>; a copy of it, e.g. one another user can reach.</param>
    public static ProcessStartInfo StartInfo(string node, string[] args, string? binary = null)
    {
        var info = DaemonBinary.StartInfo(args, binary);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;

        info.Environment["MODELSYNC_NODE"] = node;
        info.Environment["MODELSYNC_LOG_FORMAT"] = "text";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("MODELSYNC_LISTEN");
        info.Environment.Remove("MODELSYNC_MANIFEST");
        return info;
    }

    public static Task<DaemonResult> SyncAsync(string manifest, ITestOutputHelper? output) => RunAsync(output, "sync", "--manifest", manifest);

    /// <summary>Runs a verb to its exit (killed after <see cref="HangGuard"/>), its output going to <paramref name="output"/> as it comes.</summary>
    public static async Task<DaemonResult> RunAsync(ITestOutputHelper? output, params string[] args)
    {
        using var process = Start(output, args);
        return await process.WaitAsync(HangGuard);
    }

    /// <summary>A verb run to its exit, for tests without a test log.</summary>
    public static Task<DaemonResult> VerbAsync(params string[] args) => RunAsync(null, args);

    /// <summary>A verb run to its exit, blocking: for synchronous tests of the command line.</summary>
    public static DaemonResult Run(params string[] args)
    {
        using var process = Start(null, args);
        return process.Wait(HangGuard);
    }

    public static DaemonProcess Start(ITestOutputHelper? output, params string[] args) => new(StartInfo(args), output);

    /// <summary><c>run --manifest M --listen http://127.0.0.1:free</c>: a daemon to query (<see cref="DaemonProcess.StatusAsync"/>, /metrics) and stop with a signal.</summary>
    public static DaemonProcess Listen(string manifest, ITestOutputHelper? output = null, string node = DefaultNode)
    {
        var port = Ports.Free();
        return new DaemonProcess(StartInfo(node, ["run", "--manifest", manifest, "--listen", $"http://127.0.0.1:{port}"]), output, port);
    }

    /// <summary>
    /// Runs a verb to its exit as uid/gid <paramref name="uid"/> (<c>setpriv</c>; needs root), from
    /// <paramref name="binary"/>, a copy of the daemon that user can reach, in the temp directory.
    /// </summary>
    public static DaemonResult RunAsUser(ITestOutputHelper? output, int uid, string binary, params string[] args)
    {
        var daemon = StartInfo(DefaultNode, args, binary);
        var info = new ProcessStartInfo("setpriv")
        {
            ArgumentList = { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--", daemon.FileName },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(), // the test's own bin dir may be out of the user's reach
        };
        foreach (var arg in daemon.ArgumentList)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var (key, value) in daemon.Environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var process = new DaemonProcess(info, output);
        return process.Wait(HangGuard);
    }

    /// <summary>Runs the daemon with extra environment variables (e.g. <c>SSL_CERT_FILE</c>) until it exits.</summary>
    public static async Task<DaemonResult> RunWithEnvironmentAsync(ITestOutputHelper output, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = StartInfo(args);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = new DaemonProcess(info, output);
        return await process.WaitAsync(HangGuard);
    }
}

using System.Diagnostics;
using System.Text;
using ModelSync.TestKit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>What one run of the daemon process left behind.</summary>
public sealed record DaemonResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>
/// Runs the real daemon: <c>ModelSync.Daemon VERB ...</c>; which binary (native or a dll run by
/// <c>dotnet</c>) is <see cref="DaemonBinary"/>'s business.
/// </summary>
public static class DaemonRunner
{
    public const string DllName = DaemonBinary.DllName;

    /// <summary>A hang guard only: a sync in these tests finishes in seconds.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    /// <summary>The native binary or the dll: <see cref="DaemonBinary.Path"/>.</summary>
    public static string Binary => DaemonBinary.Path;

    /// <summary>Kept so callers written against the suite-local runner still compile; the one finder is <see cref="ModelSync.TestKit.RepoRoot"/>.</summary>
    public static string RepoRoot => ModelSync.TestKit.RepoRoot.Path;

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = DaemonBinary.StartInfo(args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;

        info.Environment["MODELSYNC_NODE"] = "it-node";
        info.Environment["MODELSYNC_LOG_FORMAT"] = "text";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    public static Task<DaemonResult> SyncAsync(string manifest, ITestOutputHelper output) => RunAsync(output, "sync", "--manifest", manifest);

    public static async Task<DaemonResult> RunAsync(ITestOutputHelper output, params string[] args)
    {
        using var process = Start(output, args);
        return await process.WaitAsync(HangGuard);
    }

    public static DaemonProcess Start(ITestOutputHelper output, params string[] args) => new(StartInfo(args), output);

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

/// <summary>A running daemon whose output goes to the test log as it comes.</summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly ITestOutputHelper _output;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _label;

    public DaemonProcess(ProcessStartInfo info, ITestOutputHelper output)
    {
        _output = output;
        _label = DaemonBinary.Verb(info);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_stdout, "out", e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, "err", e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Log($"started pid {_process.Id}: {info.FileName} {string.Join(' ', info.ArgumentList)}");
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote to stderr so far (its log, for a running daemon).</summary>
    public string Stderr => Read(_stderr);

    private void Append(StringBuilder sink, string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sink)
        {
            sink.AppendLine(line);
        }

        Log($"{stream}: {line}");
    }

    private void Log(string line)
    {
        try
        {
            _output.WriteLine($"[daemon {_label}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already ended (a late line of a killed process).
        }
    }

    public async Task<DaemonResult> WaitAsync(TimeSpan hangGuard)
    {
        using var cts = new CancellationTokenSource(hangGuard);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"daemon pid {_process.Id} still running after {hangGuard}; killed. stderr:\n{_stderr}");
        }

        _process.WaitForExit(); // drains the redirected streams
        Log($"exited with {_process.ExitCode}");
        return new DaemonResult(_process.ExitCode, Read(_stdout), Read(_stderr));
    }

    private static string Read(StringBuilder sink)
    {
        lock (sink)
        {
            return sink.ToString();
        }
    }

    /// <summary>Sends <paramref name="signal"/> (<c>TERM</c>, <c>INT</c>, ...) with kill(1), as the kubelet or a Ctrl-C would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Log($"sent SIG{signal}");
    }

    /// <summary>SIGKILL: no cleanup, no last inventory write, exactly what a node crash does.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
        Log("killed with SIGKILL");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}

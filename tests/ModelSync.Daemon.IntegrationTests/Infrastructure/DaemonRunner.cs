using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>What one run of the daemon process left behind.</summary>
public sealed record DaemonResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>
/// Runs the real daemon: <c>dotnet ModelSync.Daemon.dll VERB ...</c>. The binary comes from
/// <c>MODELSYNC_DAEMON_DIR</c>, else the newest of <c>artifacts/daemon</c> (scripts/publish.sh) and the
/// daemon's own <c>bin/Release|Debug/net10.0</c> (built with this project through its project reference).
/// </summary>
public static class DaemonRunner
{
    public const string DllName = "ModelSync.Daemon.dll";

    /// <summary>A hang guard only: a sync in these tests finishes in seconds.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private static readonly Lazy<string> LazyDll = new(Locate);

    public static string Dll => LazyDll.Value;

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelSync.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ModelSync.slnx above {AppContext.BaseDirectory}");
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("MODELSYNC_DAEMON_DIR") is { Length: > 0 } dir)
        {
            var dll = Path.Combine(dir, DllName);
            return File.Exists(dll)
                ? dll
                : throw new InvalidOperationException($"MODELSYNC_DAEMON_DIR={dir} has no {DllName}; run 'bash scripts/publish.sh' or unset it");
        }

        var bin = Path.Combine(RepoRoot, "src", "ModelSync.Daemon", "bin");
        string[] candidates =
        [
            Path.Combine(RepoRoot, "artifacts", "daemon", DllName),
            Path.Combine(bin, "Release", "net10.0", DllName),
            Path.Combine(bin, "Debug", "net10.0", DllName),
        ];
        // The newest wins, so a stale publish never hides a fresh build (and the other way round).
        var found = candidates.Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        return found ?? throw new InvalidOperationException(
            $"no daemon binary found; looked for {string.Join(", ", candidates)}. Run 'bash scripts/publish.sh' "
            + "(or 'dotnet build src/ModelSync.Daemon'), or point MODELSYNC_DAEMON_DIR at a directory with " + DllName);
    }

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

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
        _label = string.Join(' ', info.ArgumentList.Skip(1).Take(1));
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_stdout, "out", e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, "err", e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Log($"started pid {_process.Id}: dotnet {string.Join(' ', info.ArgumentList)}");
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

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

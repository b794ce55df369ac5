using System.Collections.Concurrent;
using System.Diagnostics;
using ModelSync.TestKit;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Support;

/// <summary>
/// One run of the gate binary with a clean MODELSYNC_* environment. Output lines are logged to the test
/// and can be awaited while the process runs. <see cref="HangGuard"/> only stops a hung test; no test
/// asserts on how long anything took.
/// </summary>
public sealed class GateProcess : IDisposable
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly ITestOutputHelper _log;
    private readonly BlockingCollection<string> _stdoutLines = [];
    private readonly BlockingCollection<string> _stderrLines = [];
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private GateProcess(Process process, ITestOutputHelper log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    public static GateProcess Start(ITestOutputHelper log, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = Emulator.StartInfo(GateBinary.Path);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MODELSYNC_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        log.WriteLine($"$ {string.Join(' ', env?.Select(e => $"{e.Key}={e.Value}") ?? [])} ModelSync.Gate {string.Join(' ', info.ArgumentList)}");
        var gate = new GateProcess(new Process { StartInfo = info }, log);
        gate._process.OutputDataReceived += (_, e) => gate.OnLine(e.Data, gate._stdout, "out", gate._stdoutLines);
        gate._process.ErrorDataReceived += (_, e) => gate.OnLine(e.Data, gate._stderr, "err", gate._stderrLines);
        gate._process.Start();
        gate._process.BeginOutputReadLine();
        gate._process.BeginErrorReadLine();
        return gate;
    }

    public static GateResult Run(ITestOutputHelper log, params string[] args) => Run(log, args, null);

    public static GateResult Run(ITestOutputHelper log, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env)
    {
        using var gate = Start(log, args, env);
        return gate.WaitForExit();
    }

    /// <summary>Blocks until stdout (or stderr) shows a line matching <paramref name="match"/>; fails if the gate exits first.</summary>
    public string WaitForLine(Func<string, bool> match, bool stderr = false)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        foreach (var line in (stderr ? _stderrLines : _stdoutLines).GetConsumingEnumerable(guard.Token))
        {
            if (match(line))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"the gate exited without the expected line; stdout:\n{string.Join('\n', _stdout)}");
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    public GateResult WaitForExit()
    {
        if (!_process.WaitForExit(HangGuard))
        {
            _process.Kill();
            throw new TimeoutException($"the gate did not exit within {HangGuard} (hang guard)");
        }

        _process.WaitForExit(); // drains the asynchronous output readers
        _log.WriteLine($"exit {_process.ExitCode}");
        lock (_stdout)
        {
            return new GateResult(_process.ExitCode, [.. _stdout], [.. _stderr]);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        _stdoutLines.Dispose();
        _stderrLines.Dispose();
    }

    private void OnLine(string? line, List<string> lines, string stream, BlockingCollection<string>? live)
    {
        if (line is null)
        {
            live?.CompleteAdding();
            return;
        }

        lock (_stdout)
        {
            lines.Add(line);
        }

        live?.Add(line);
        try
        {
            _log.WriteLine($"[{stream}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; a late line has nowhere to go.
        }
    }
}

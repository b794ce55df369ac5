using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelSync.TestKit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>
/// A running daemon (made by <see cref="DaemonRunner"/>): its output kept (and sent to the test log as it
/// comes, when there is one), waited for with a hang guard, stopped with a signal or SIGKILL; in run mode
/// (<see cref="DaemonRunner.Listen"/>) also its HTTP endpoints: /healthz, /status, /metrics.
/// </summary>
public sealed class DaemonProcess : IDisposable, IAsyncDisposable
{
    private readonly Process _process;
    private readonly ITestOutputHelper? _log;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _output = new();
    private readonly string _label;
    private readonly HttpClient _http;

    public DaemonProcess(ProcessStartInfo info, ITestOutputHelper? output, int? port = null)
    {
        _log = output;
        _label = DaemonBinary.Verb(info);
        Port = port;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = port is null ? null : new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(10),
        };
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_stdout, "out", e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, "err", e.Data);
        _process.Start();
        if (info.RedirectStandardInput)
        {
            _process.StandardInput.Close();
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Log($"started pid {_process.Id}: {info.FileName} {string.Join(' ', info.ArgumentList)}");
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote to stdout so far.</summary>
    public string Stdout => Read(_stdout);

    /// <summary>What the process wrote to stderr so far (its log, for a running daemon).</summary>
    public string Stderr => Read(_stderr);

    /// <summary>Both streams so far, line by line in the order they came, each line prefixed <c>out: </c> or <c>err: </c>.</summary>
    public string Output => Read(_output);

    private void Append(StringBuilder sink, string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            sink.AppendLine(line);
            _output.Append(stream).Append(": ").AppendLine(line);
        }

        Log($"{stream}: {line}");
    }

    private void Log(string line)
    {
        try
        {
            _log?.WriteLine($"[daemon {_label}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already ended (a late line of a killed process).
        }
    }

    /// <summary>Waits for the exit; after <paramref name="hangGuard"/> kills the process and throws.</summary>
    public async Task<DaemonResult> WaitAsync(TimeSpan hangGuard)
    {
        using var cts = new CancellationTokenSource(hangGuard);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw HangGuardExpired(hangGuard);
        }

        return Exited();
    }

    /// <summary><see cref="WaitAsync"/>, blocking.</summary>
    public DaemonResult Wait(TimeSpan hangGuard) => _process.WaitForExit(hangGuard) ? Exited() : throw HangGuardExpired(hangGuard);

    /// <summary>The exit code, waited for as <see cref="WaitAsync"/> does.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan hangGuard) => (await WaitAsync(hangGuard)).ExitCode;

    private DaemonResult Exited()
    {
        _process.WaitForExit(); // drains the redirected streams
        Log($"exited with {_process.ExitCode}");
        return new DaemonResult(_process.ExitCode, Stdout, Stderr);
    }

    private TimeoutException HangGuardExpired(TimeSpan hangGuard)
    {
        _process.Kill(entireProcessTree: true);
        return new TimeoutException($"daemon pid {_process.Id} ({_label}) still running after {hangGuard}; killed. Output:\n{Output}");
    }

    private string Read(StringBuilder sink)
    {
        lock (_output)
        {
            return sink.ToString();
        }
    }

    /// <summary>The port of <c>--listen</c> (run mode), else null.</summary>
    public int? Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    public async Task<HttpResponseMessage> GetAsync(string path) => await _http.GetAsync(new Uri(path.TrimStart('/'), UriKind.Relative));

    public async Task<string> GetTextAsync(string path) => await (await GetAsync(path)).Content.ReadAsStringAsync();

    public async Task<JsonElement> StatusAsync()
    {
        using var response = await GetAsync("/status");
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    /// <summary>The entry of <paramref name="model"/> in /status's live inventory, or null.</summary>
    public static JsonElement? Model(JsonElement status, string model)
    {
        if (status.GetProperty("inventory").ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var m in status.GetProperty("inventory").GetProperty("models").EnumerateArray())
        {
            if (m.GetProperty("name").GetString() == model)
            {
                return m;
            }
        }

        return null;
    }

    public async Task WaitModelAsync(string model, string state, string? version = null) =>
        await Eventually.WaitAsync(
            async () => Model(await StatusAsync(), model) is { } m
                && m.GetProperty("state").GetString() == state
                && (version is null || m.GetProperty("version").GetString() == version),
            $"{model}{(version is null ? "" : "@" + version)} to be {state}",
            () => Output);

    public async Task WaitUpAsync() =>
        await Eventually.WaitAsync(async () => !HasExited && (await GetAsync("/healthz")).IsSuccessStatusCode, "the daemon's /healthz", () => Output);

    /// <summary>Prometheus text: the sum of every sample of <paramref name="metric"/> matching <paramref name="labels"/> (a substring such as <c>state="Ready"</c>), or null if none.</summary>
    public async Task<double?> MetricAsync(string metric, string? labels = null)
    {
        var text = await GetTextAsync("/metrics");
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(metric + " ", StringComparison.Ordinal) || line.StartsWith(metric + "{", StringComparison.Ordinal)))
            {
                continue;
            }

            if (labels is not null && !line.Contains(labels, StringComparison.Ordinal))
            {
                continue;
            }

            sum = (sum ?? 0) + double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return sum;
    }

    /// <summary>Waits (hang guard only) until a line of the daemon's log contains <paramref name="text"/> at least <paramref name="times"/> times.</summary>
    public Task WaitForLogAsync(string text, int times = 1, TimeSpan? hangGuard = null) =>
        Eventually.WaitAsync(() => CountLines(text) >= times, $"{times} log line(s) with '{text}'", () => Output, hangGuard);

    /// <summary>How many lines of output so far contain <paramref name="text"/>.</summary>
    public int CountLines(string text) => Output.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Sends <paramref name="signal"/> (<c>TERM</c>, <c>INT</c>, ...) with kill(1), as the kubelet or a Ctrl-C would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Log($"sent SIG{signal}");
    }

    /// <summary>SIGTERM, as the kubelet stops a pod.</summary>
    public void Sigterm() => Signal("TERM");

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
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _http.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

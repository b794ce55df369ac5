using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelSync.Daemon.OpsTests.Support;

/// <summary>The real daemon (<see cref="DaemonBinary"/>: the native binary, or <c>dotnet ModelSync.Daemon.dll</c>) as a child process, its output kept for diagnostics.</summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    private DaemonProcess(Process process, int? port)
    {
        _process = process;
        Port = port;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = port is null ? null : new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => Append("err", e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int? Port { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    /// <summary><c>run --manifest M --listen http://127.0.0.1:free</c>.</summary>
    public static DaemonProcess Run(string manifest, params string[] extra)
    {
        var port = Ports.Free();
        return new DaemonProcess(Start(["run", "--manifest", manifest, "--listen", $"http://127.0.0.1:{port}", .. extra]), port);
    }

    /// <summary>A one-shot verb; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> VerbAsync(params string[] args)
    {
        await using var verb = new DaemonProcess(Start(args), null);
        var code = await verb.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (code, verb.Output);
    }

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

    /// <summary>Prometheus text: the sum of every sample of <paramref name="metric"/> matching <paramref name="labels"/> (a substring such as <c>state="Ready"</c>).</summary>
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

    public void Sigterm() => Native.Kill(_process.Id, Native.SigTerm);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"daemon did not exit within {timeout}\n{Output}");
        }

        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }

    private static Process Start(string[] args)
    {
        var psi = DaemonBinary.StartInfo(args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;

        psi.Environment["MODELSYNC_NODE"] = "ops-test-node";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("MODELSYNC_LISTEN");
        psi.Environment.Remove("MODELSYNC_MANIFEST");
        return Process.Start(psi)!;
    }

    private void Append(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(stream).Append(": ").AppendLine(line);
        }
    }
}

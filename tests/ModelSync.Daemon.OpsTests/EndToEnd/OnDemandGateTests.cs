using System.Diagnostics;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Layout;
using Xunit.Abstractions;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>
/// Gates asking for an on-demand model as a service pod's would (docs/gate.md, "On-demand models"): the published
/// gate, as uid 10001, in a mount namespace of its own where the store is a read-only bind mount at <c>/mnt</c>,
/// against the published daemon in run mode (as root, as the DaemonSet's).
/// </summary>
public sealed class OnDemandGateTests(ITestOutputHelper log) : IDisposable
{
    private const int Uid = 10001;
    private readonly string _bin = Directory.CreateTempSubdirectory("modelsync-gatebin-").FullName;

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    /// <summary>The gate, copied where uid 10001 reaches it (a test's temp dirs are 0700).</summary>
    private string Gate()
    {
        var copy = Path.Combine(_bin, "ModelSync.Gate");
        if (!File.Exists(copy))
        {
            File.Copy(GateBinary.Path, copy);
            File.SetUnixFileMode(_bin, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
        }

        return copy;
    }

    /// <summary>Runs the gate with <paramref name="args"/> as uid 10001 with <paramref name="store"/> mounted read-only at /mnt.</summary>
    private async Task<(int Code, string Output)> GateAsPodAsync(string store, params string[] args)
    {
        var quoted = string.Join(' ', args.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var script = $"mount --bind '{store}' /mnt && mount -o remount,bind,ro /mnt && exec setpriv --reuid={Uid} --regid={Uid} --clear-groups '{Gate()}' {quoted}";
        var info = new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        var output = await stdout + await stderr;
        log.WriteLine($"[gate as {Uid}] exit {process.ExitCode}: {output}");
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task Run_TwentyGatesAsAnotherUidThroughAReadOnlyMount_AskAndStart_OnOneDownload_AndThePlainFormIsRefused()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var pre = new ModelDef("base", "v1", [ModelFiles.Serve(nginx, "base/w.bin", 10_000, 1)]);
        var lora = new ModelDef("lora-a", "v1", [ModelFiles.Serve(nginx, "lora/a.bin", 2_000_000, 2)]);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, ModelFiles.OnDemand(ModelFiles.Manifest(nginx, store, [pre, lora], interval: "10m"), "lora-a"));

        await using var daemon = DaemonRunner.Listen(manifest, log);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("base", "Ready");

        // The plain form (no pin) refuses an on-demand model and asks for nothing.
        var plain = await GateAsPodAsync(store, "--root", "/mnt", "--require", "lora-a", "--timeout", "30s");
        Assert.Equal(2, plain.Code);
        Assert.Contains("lora-a", plain.Output, StringComparison.Ordinal);
        Assert.Empty(nginx.Requests("/lora/"));

        // Twenty pods at once, each exec'ing its service with the pin held; --interval 60s: only the daemon's
        // ready can wake them in time.
        var pods = Enumerable.Range(0, 20).Select(_ => GateAsPodAsync(store, "--root", "/mnt", "--require", "lora-a", "--interval", "60s", "--timeout", "90s",
            "--", "/bin/sh", "-c", "echo \"path=$MODELSYNC_PATH_LORA_A uid=$(id -u)\"")).ToList();
        var results = await Task.WhenAll(pods);

        Assert.All(results, r => Assert.Equal(0, r.Code));
        Assert.All(results, r => Assert.Contains($"path=/mnt/models/lora-a/v1 uid={Uid}", r.Output, StringComparison.Ordinal));
        Assert.Single(nginx.Requests("/lora/a.bin")); // twenty asked, one fetch
        Assert.Equal(1, await daemon.MetricAsync("modelsync_ondemand_fetches_total", "model=\"lora-a\""));
        Assert.True(File.Exists(layout.MarkerPath("lora-a", "v1")));
    }
}

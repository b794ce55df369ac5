using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Tests.Hosting;

public sealed class ManifestReloadTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string ManifestPath => _dir.Combine("models.yaml");

    public void Dispose() => _dir.Dispose();

    private string Yaml(string version, string sync = "", string root = "/var/lib/models") => $"""
        store:
          root: {root}
        sync:
          interval: 5m
        {sync}
        models:
          - name: finbert
            version: "{version}"
            files:
              - path: a.bin
                url: http://127.0.0.1:1/a.bin
                size: 1
                sha256: {new string('a', 64)}
        """;

    private (ManifestInForce InForce, ManifestReloader Reloader) Start(string yaml)
    {
        File.WriteAllText(ManifestPath, yaml);
        var manifest = ManifestLoader.Load(ManifestPath, SourceKinds.Create().Syntax).Manifest!;
        var inForce = new ManifestInForce(manifest, _time.GetUtcNow());
        return (inForce, new ManifestReloader(ManifestPath, inForce, SourceKinds.Create(), _time, NullLogger<ManifestReloader>.Instance));
    }

    [Fact]
    public void CheckNow_SameContent_IsUnchanged_NewContent_IsReloadedAndRaisesChanged()
    {
        var (inForce, reloader) = Start(Yaml("v1"));
        var changes = 0;
        inForce.Changed += _ => changes++;

        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());
        File.WriteAllText(ManifestPath, Yaml("v2"));

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal("v2", inForce.Current.Models[0].Version);
        Assert.Equal(1, changes);
        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());
    }

    [Fact]
    public void CheckNow_BadManifest_KeepsLastGood_ListsEveryProblem_RevertClearsThem()
    {
        var (inForce, reloader) = Start(Yaml("v1"));
        File.WriteAllText(ManifestPath, Yaml("v2", sync: "  concurrency: 0\n  colour: blue"));

        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        Assert.Equal("v1", inForce.Current.Models[0].Version);
        var problems = inForce.LastFailure!.Problems;
        Assert.Contains(problems, p => p.Contains("sync.concurrency", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("colour", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.StartsWith(ManifestPath + ":", p, StringComparison.Ordinal));

        File.WriteAllText(ManifestPath, Yaml("v1"));
        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());
        Assert.Null(inForce.LastFailure);
    }

    [Fact]
    public void CheckNow_StoreRootChange_IsRefused_ProxyChange_IsAppliedAndNeedsRestart()
    {
        var (inForce, reloader) = Start(Yaml("v1"));
        File.WriteAllText(ManifestPath, Yaml("v2", root: "/elsewhere"));
        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        Assert.Contains("store.root", inForce.LastFailure!.Problems[0], StringComparison.Ordinal);

        File.WriteAllText(ManifestPath, Yaml("v2", sync: "  proxy: http://127.0.0.1:3128\n  bandwidthLimit: 10Mi"));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(["sync.proxy", "sync.bandwidthLimit"], inForce.RestartRequired);

        File.WriteAllText(ManifestPath, Yaml("v3"));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Empty(inForce.RestartRequired);
    }

    [Fact]
    public void CheckNow_FileGone_KeepsLastGood_AndReloadsWhenItReturns()
    {
        var (inForce, reloader) = Start(Yaml("v1"));
        File.Delete(ManifestPath);

        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        Assert.Equal("v1", inForce.Current.Models[0].Version);

        File.WriteAllText(ManifestPath, Yaml("v2"));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
    }

    [Fact]
    public async Task Watcher_PollTick_OnTheFakeClock_PicksUpAChange()
    {
        var (inForce, reloader) = Start(Yaml("v1"));
        using var watcher = new ManifestWatcher(reloader, _time, NullLogger<ManifestWatcher>.Instance);
        using var cts = new CancellationTokenSource();
        var loop = watcher.RunAsync(cts.Token);
        File.WriteAllText(ManifestPath, Yaml("v2"));

        // No signal: only the poll tick, which fires when the fake clock passes PollInterval.
        await Eventually.WaitAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return inForce.Current.Models[0].Version == "v2";
        }, "the poll tick to reload the manifest");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task Watcher_Signal_IsDebouncedOnTheFakeClock_ThenReloads()
    {
        var (inForce, reloader) = Start(Yaml("v1"));
        using var watcher = new ManifestWatcher(reloader, _time, NullLogger<ManifestWatcher>.Instance);
        using var cts = new CancellationTokenSource();
        var loop = watcher.RunAsync(cts.Token);
        File.WriteAllText(ManifestPath, Yaml("v2"));
        watcher.Signal();
        watcher.Signal();

        await Eventually.WaitAsync(() =>
        {
            _time.Advance(ManifestWatcher.Debounce / 3);
            return inForce.Current.Models[0].Version == "v2";
        }, "the signalled check to reload the manifest");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public void CheckNow_EditLandedBetweenStartupLoadAndReloader_IsReloaded()
    {
        File.WriteAllText(ManifestPath, Yaml("v1"));
        var startup = ManifestLoader.Load(ManifestPath, SourceKinds.Create().Syntax).Manifest!;
        var inForce = new ManifestInForce(startup, _time.GetUtcNow());
        File.WriteAllText(ManifestPath, Yaml("v2")); // the ConfigMap swapped while the host was being built
        var reloader = new ManifestReloader(ManifestPath, inForce, SourceKinds.Create(), _time, NullLogger<ManifestReloader>.Instance);

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal("v2", inForce.Current.Models[0].Version);
    }

    [Fact]
    public async Task Metrics_RefusedReload_IsOneUntilFixed_AndCountedOncePerBadContent()
    {
        var (inForce, reloader) = Start(Yaml("v1"));
        var metrics = new DaemonMetrics(new LiveRates(_time));
        async Task<string> Scrape()
        {
            var state = inForce.Snapshot();
            metrics.Refresh(null, new StoreUsageView("/var/lib/models", 0, null, 0, 0, 0), null, new ManifestReloads(state.LoadedAt, state.LastFailure is not null, state.Rejections), pinnedVersions: 0);
            using var text = new MemoryStream();
            await metrics.Registry.CollectAndExportAsTextAsync(text);
            return System.Text.Encoding.UTF8.GetString(text.ToArray());
        }

        var fresh = await Scrape();
        Assert.Contains("\nmodelsync_manifest_reload_failed 0\n", fresh, StringComparison.Ordinal);
        Assert.Contains("\nmodelsync_manifest_reload_failures_total 0\n", fresh, StringComparison.Ordinal);

        File.WriteAllText(ManifestPath, Yaml("v2", sync: "  colour: blue"));
        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        _time.Advance(ManifestWatcher.PollInterval);
        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());
        var refused = await Scrape();
        Assert.Contains("\nmodelsync_manifest_reload_failed 1\n", refused, StringComparison.Ordinal);
        Assert.Contains("\nmodelsync_manifest_reload_failures_total 1\n", refused, StringComparison.Ordinal);

        // Unreadable: checked again at every poll, one refusal all the same.
        File.Delete(ManifestPath);
        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        Assert.Contains("\nmodelsync_manifest_reload_failures_total 2\n", await Scrape(), StringComparison.Ordinal);

        File.WriteAllText(ManifestPath, Yaml("v3"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        var fixedText = await Scrape();
        Assert.Contains("\nmodelsync_manifest_reload_failed 0\n", fixedText, StringComparison.Ordinal);
        Assert.Contains("\nmodelsync_manifest_reload_failures_total 2\n", fixedText, StringComparison.Ordinal);
        Assert.Contains($"\nmodelsync_manifest_loaded_timestamp_seconds {_time.GetUtcNow().ToUnixTimeSeconds()}\n", fixedText, StringComparison.Ordinal);
    }
}

using System.Net;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>Hot reload the way a ConfigMap mount does it (<c>models.yaml -> ..data/models.yaml</c>, <c>..data</c>
/// swapped by rename), a plain in-place rewrite, a bad manifest, and GC after version bumps and a removal.</summary>
public sealed class ReloadAndGcTests
{
    [Fact]
    public async Task Run_ReloadsManifestChanges_KeepsLastGoodOnBadOne_AndGcKeepsExactlyKeepVersions()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var configMap = new ConfigMapDir(dir.Combine("config"));
        var file = ModelFiles.Serve(nginx, "fast/model.bin", 50_000, 11);
        var extra = ModelFiles.Serve(nginx, "fast/extra.bin", 30_000, 12);
        ModelDef Finbert(string version) => new("finbert", version, [file]);
        var beta = new ModelDef("beta", "1", [extra]);
        string Manifest(params ModelDef[] models) => ModelFiles.Manifest(nginx, store, models, keepVersions: 1);

        configMap.Publish(Manifest(Finbert("v1")));
        await using var daemon = DaemonRunner.Listen(configMap.ManifestPath);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("finbert", "Ready", "v1");

        // 1. In-place rewrite of the file behind the links (no event in the watched dir: the hash poll finds it).
        File.WriteAllText(configMap.CurrentFile, Manifest(Finbert("v1"), beta));
        await daemon.WaitModelAsync("beta", "Ready");

        // 2. ConfigMap-style swap of ..data: a new version of finbert.
        configMap.Publish(Manifest(Finbert("v2"), beta));
        await daemon.WaitModelAsync("finbert", "Ready", "v2");

        // 3. A bad manifest: the last good one stays in force and /status lists every problem.
        configMap.Publish(Manifest(Finbert("v3"), beta).Replace("keepVersions: 1", "keepVersions: -1\n  colour: blue", StringComparison.Ordinal));
        await Eventually.WaitAsync(
            async () => (await daemon.StatusAsync()).GetProperty("manifest").GetProperty("reloadProblems").GetArrayLength() > 0,
            "reload problems on /status", () => daemon.Output);
        var problems = (await daemon.StatusAsync()).GetProperty("manifest").GetProperty("reloadProblems");
        var text = string.Join("\n", problems.EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("store.keepVersions", text, StringComparison.Ordinal);
        Assert.Contains("colour", text, StringComparison.Ordinal);
        var status = await daemon.StatusAsync();
        Assert.Equal("v2", DaemonProcess.Model(status, "finbert")!.Value.GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.OK, (await daemon.GetAsync("/readyz")).StatusCode);
        Assert.Contains("Manifest", daemon.Output, StringComparison.Ordinal);
        Assert.Equal(1, await daemon.MetricAsync("modelsync_manifest_reload_failed"));
        Assert.Equal(1, await daemon.MetricAsync("modelsync_manifest_reload_failures_total"));

        // 4. Fixed, with the second version bump and beta removed: GC keeps v3 (current) + exactly 1 previous.
        configMap.Publish(Manifest(Finbert("v3")));
        await daemon.WaitModelAsync("finbert", "Ready", "v3");
        await Eventually.WaitAsync(
            () => Versions(layout, "finbert").SequenceEqual(["v2", "v3"]) && !Directory.Exists(layout.ModelDir("beta")),
            "GC to leave finbert {v2, v3} and remove beta",
            () => string.Join(",", Versions(layout, "finbert")) + "\n" + daemon.Output);
        Assert.False(File.Exists(layout.CurrentLink("beta")) || new FileInfo(layout.CurrentLink("beta")).LinkTarget is not null);
        Assert.Empty((await daemon.StatusAsync()).GetProperty("manifest").GetProperty("reloadProblems").EnumerateArray());
        Assert.Equal(0, await daemon.MetricAsync("modelsync_manifest_reload_failed"));
        Assert.Equal(1, await daemon.MetricAsync("modelsync_manifest_reload_failures_total"));
        Assert.Null(DaemonProcess.Model(await daemon.StatusAsync(), "beta"));

        daemon.Sigterm();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("GC: removed models/finbert/v1", daemon.Output, StringComparison.Ordinal);
    }

    private static string[] Versions(StoreLayout layout, string model) =>
        Directory.Exists(layout.ModelDir(model))
            ? [.. Directory.EnumerateDirectories(layout.ModelDir(model)).Select(Path.GetFileName).Order(StringComparer.Ordinal).Cast<string>()]
            : [];

    /// <summary>A directory laid out as kubelet mounts a ConfigMap: <c>models.yaml -> ..data/models.yaml</c>,
    /// <c>..data -> ..&lt;timestamp&gt;</c>; an update writes a new timestamped dir and renames a new <c>..data</c> over the old.</summary>
    private sealed class ConfigMapDir
    {
        private readonly string _dir;
        private int _generation;

        public ConfigMapDir(string dir)
        {
            _dir = dir;
            Directory.CreateDirectory(dir);
        }

        public string ManifestPath => Path.Combine(_dir, "models.yaml");

        public string CurrentFile => Path.Combine(_dir, $"..gen_{_generation}", "models.yaml");

        public void Publish(string content)
        {
            var generation = $"..gen_{++_generation}";
            Directory.CreateDirectory(Path.Combine(_dir, generation));
            File.WriteAllText(Path.Combine(_dir, generation, "models.yaml"), content);
            var tmp = Path.Combine(_dir, "..data_tmp");
            File.CreateSymbolicLink(tmp, generation);
            Native.Rename(tmp, Path.Combine(_dir, "..data"));
            if (!File.Exists(ManifestPath) && new FileInfo(ManifestPath).LinkTarget is null)
            {
                File.CreateSymbolicLink(ManifestPath, "..data/models.yaml");
            }
        }
    }
}

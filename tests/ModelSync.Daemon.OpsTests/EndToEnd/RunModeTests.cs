using System.Net;
using System.Text.Json;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>The real daemon in run mode against a private nginx: endpoints, page, metrics, SIGTERM, resume.</summary>
public sealed class RunModeTests
{
    [Fact]
    public async Task Run_ServesEndpointsWhileDownloading_StopsCleanlyOnSigterm_ThenResumesToReady()
    {
        // FileTransfer reports progress per 1 MiB read: 8 MiB at 256 KiB/s shows progress after ~4 s and
        // stays Downloading for ~30 s, long enough to look at it.
        using var nginx = await NginxFixture.StartAsync(slowRate: "256k");
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var fast = new ModelDef("sentiment", "2024-06", [ModelFiles.Serve(nginx, "fast/config.json", 4_096, 1), ModelFiles.Serve(nginx, "fast/model.bin", 200_000, 2)]);
        var slow = new ModelDef("embeddings", "v3", [ModelFiles.Serve(nginx, "slow/weights.bin", 8 << 20, 3)]);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, ModelFiles.Manifest(nginx, store, [fast, slow]));

        // Phase 1: one model Ready, the other held Downloading by limit_rate.
        await using (var daemon = DaemonRunner.Listen(manifest, node: "ops-test-node"))
        {
            await daemon.WaitUpAsync();
            await daemon.WaitModelAsync("sentiment", "Ready");
            await Eventually.WaitAsync(
                async () => DaemonProcess.Model(await daemon.StatusAsync(), "embeddings") is { } m
                    && m.GetProperty("state").GetString() == "Downloading"
                    && m.GetProperty("progress").GetProperty("bytesDone").GetInt64() > 0,
                "embeddings to be Downloading with progress", () => daemon.Output);

            using (var health = await daemon.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            using (var ready = await daemon.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("embeddings@v3", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var status = await daemon.StatusAsync();
            Assert.False(status.GetProperty("ready").GetBoolean());
            Assert.Equal("ops-test-node", status.GetProperty("node").GetString());
            Assert.Equal(2, status.GetProperty("manifest").GetProperty("models").GetArrayLength());
            Assert.True(status.GetProperty("store").GetProperty("bytesUsed").GetInt64() > 0);
            Assert.Equal(1L << 30, status.GetProperty("store").GetProperty("capacityBytes").GetInt64());
            Assert.True(status.GetProperty("store").GetProperty("filesystemFreeBytes").GetInt64() > 0);

            // The page, rendered by a real browser after its fetch of /status ran.
            var dom = await Chromium.DumpDomAsync(daemon.BaseUrl);
            Assert.Contains("sentiment", dom, StringComparison.Ordinal);
            Assert.Contains("embeddings", dom, StringComparison.Ordinal);
            Assert.Contains("data-state=\"Ready\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-state=\"Downloading\"", dom, StringComparison.Ordinal);
            Assert.Contains("class=\"ready-mark\"", dom, StringComparison.Ordinal);
            Assert.Contains("role=\"progressbar\"", dom, StringComparison.Ordinal);
            await SaveScreenshotAsync(daemon.BaseUrl, dir);

            // SIGTERM mid-download: exit 0, inventory flushed and consistent, resume state on disk.
            daemon.Sigterm();
            Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        var layout = new StoreLayout(store);
        var inventory = InventoryFile.Read(layout).Inventory;
        Assert.NotNull(inventory);
        Assert.Equal(ModelState.Ready, inventory.Find("sentiment")!.State);
        Assert.Equal("models/sentiment/2024-06", inventory.Find("sentiment")!.Path);
        Assert.NotEqual(ModelState.Ready, inventory.Find("embeddings")!.State);
        Assert.True(File.Exists(Path.Combine(layout.StagingDir("embeddings", "v3") + ".resume", "weights.bin.json")), "resume state persisted");

        // Phase 2: restart at full speed; the download resumes and everything becomes Ready.
        nginx.Unthrottle();
        await using (var daemon = DaemonRunner.Listen(manifest, node: "ops-test-node"))
        {
            await daemon.WaitUpAsync();
            await Eventually.WaitAsync(async () => (await daemon.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz 200", () => daemon.Output);
            Assert.Contains("resumes at byte", daemon.Output, StringComparison.Ordinal);

            Assert.True(await daemon.MetricAsync("modelsync_bytes_downloaded_total") > 0);
            Assert.Equal(2, await daemon.MetricAsync("modelsync_models", "state=\"Ready\""));
            Assert.Equal(0, await daemon.MetricAsync("modelsync_models", "state=\"Failed\""));
            Assert.Equal(1, await daemon.MetricAsync("modelsync_last_reconcile_success"));
            Assert.True(await daemon.MetricAsync("modelsync_last_reconcile_timestamp_seconds") > 0);
            Assert.True(await daemon.MetricAsync("modelsync_download_duration_seconds_count") >= 1);
            Assert.True(await daemon.MetricAsync("modelsync_store_bytes_used") >= 8 << 20);
            Assert.Equal(1L << 30, await daemon.MetricAsync("modelsync_store_capacity_bytes"));
            Assert.True(await daemon.MetricAsync("modelsync_filesystem_free_bytes") > 0);
            Assert.NotNull(await daemon.MetricAsync("modelsync_verify_failures_total"));

            var status = await daemon.StatusAsync();
            Assert.True(status.GetProperty("ready").GetBoolean());
            Assert.True(status.GetProperty("reconcile").GetProperty("lastSuccess").GetBoolean());
            Assert.Equal(JsonValueKind.String, status.GetProperty("reconcile").GetProperty("nextAt").ValueKind);

            daemon.Sigterm();
            Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        var final = InventoryFile.Read(layout).Inventory!;
        Assert.All(final.Models, m => Assert.Equal(ModelState.Ready, m.State));
        Assert.Equal("v3", CurrentLinkVersion(layout, "embeddings"));
    }

    private static string? CurrentLinkVersion(StoreLayout layout, string name) => ModelSync.Store.IO.CurrentLink.Read(layout, name);

    /// <summary>Always into the test dir; into docs/ as well when MODELSYNC_UPDATE_SCREENSHOT=1.</summary>
    private static async Task SaveScreenshotAsync(string url, TempDir dir)
    {
        var file = dir.Combine("status-page.png");
        await Chromium.ScreenshotAsync(url, file);
        Assert.True(new FileInfo(file).Length > 1000, "screenshot written");
        if (Environment.GetEnvironmentVariable("MODELSYNC_UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(file, Path.Combine(RepoRoot.Path, "docs", "status-page.png"), overwrite: true);
        }
    }
}

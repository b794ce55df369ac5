using System.Text.RegularExpressions;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>The status page in headless Chromium, with scripts and without: the server renders all of it.</summary>
public sealed partial class StatusPageTests
{
    [Fact]
    public async Task StatusPage_ReadyDownloadingAndFailedModels_CompleteWithAndWithoutScripts()
    {
        using var nginx = await NginxFixture.StartAsync(slowRate: "1m");
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var ready = new ModelDef("sentiment", "2024-06", [ModelFiles.Serve(nginx, "fast/model.bin", 100_000, 1)]);
        var slow = new ModelDef("embeddings", "v3", [ModelFiles.Serve(nginx, "slow/weights.bin", 96 << 20, 2)]);
        var missing = new ModelDef("broken", "v1", [new ServedFile("fast/absent.bin", "absent.bin", 8, new string('0', 64))]);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, ModelFiles.Manifest(nginx, store, [ready, slow, missing]));

        await using var daemon = DaemonRunner.Listen(manifest);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("sentiment", "Ready");
        await daemon.WaitModelAsync("broken", "Failed");
        await Eventually.WaitAsync(
            async () => DaemonProcess.Model(await daemon.StatusAsync(), "embeddings") is { } m
                && m.GetProperty("progress").TryGetProperty("bytesPerSecond", out var rate) && rate.GetDouble() > 0,
            "embeddings downloading with a rate", () => daemon.Output);

        var plain = await ChromiumDevTools.DumpDomWithoutScriptsAsync(daemon.BaseUrl, "</tbody>");
        var scripted = await Chromium.DumpDomAsync(daemon.BaseUrl);
        foreach (var (how, dom) in new[] { ("without scripts", plain), ("with scripts", scripted) })
        {
            var rows = Rows(dom);
            Assert.True(rows.ContainsKey("sentiment") && rows.ContainsKey("embeddings") && rows.ContainsKey("broken"), $"{how}: every model has a row:\n{dom}");
            Assert.Contains("class=\"ready-mark\"", rows["sentiment"], StringComparison.Ordinal);
            Assert.Contains("data-state=\"Downloading\"", rows["embeddings"], StringComparison.Ordinal);
            Assert.Contains("role=\"progressbar\"", rows["embeddings"], StringComparison.Ordinal);
            Assert.Contains("ETA", rows["embeddings"], StringComparison.Ordinal);
            Assert.Contains("weights.bin", rows["embeddings"], StringComparison.Ordinal);
            Assert.Contains("data-state=\"Failed\"", rows["broken"], StringComparison.Ordinal);
            Assert.DoesNotContain("progressbar", rows["broken"], StringComparison.Ordinal);
            Assert.Contains("absent.bin", rows["broken"], StringComparison.Ordinal);
            Assert.Contains($"{nginx.BaseUrl}fast/absent.bin", rows["broken"], StringComparison.Ordinal);
            Assert.Matches(IsoUtc(), dom);
            Assert.DoesNotContain("loading…", dom, StringComparison.Ordinal);
        }

        // Kept as a test artifact (artifacts/test-results/), so a reviewer sees what the operator sees.
        var results = RepoRoot.Combine("artifacts", "test-results");
        Directory.CreateDirectory(results);
        var shot = Path.Combine(results, "status-page.png");
        await Chromium.ScreenshotAsync(daemon.BaseUrl, shot);
        await Chromium.ScreenshotAsync(daemon.BaseUrl, Path.Combine(results, "status-page-no-script.png"), "--blink-settings=scriptEnabled=false");
        Assert.True(new FileInfo(shot).Length > 1000, "screenshot written");
        daemon.Sigterm();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>Each model's table row, by its <c>data-model</c>.</summary>
    private static Dictionary<string, string> Rows(string dom) =>
        RowPattern().Matches(dom).ToDictionary(m => m.Groups[1].Value, m => m.Value, StringComparer.Ordinal);

    [GeneratedRegex("<tr data-model=\"([^\"]+)\"[\\s\\S]*?</tr>")]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial Regex IsoUtc();
}

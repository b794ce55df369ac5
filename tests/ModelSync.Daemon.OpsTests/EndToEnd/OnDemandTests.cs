using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Layout;
using Xunit.Abstractions;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>
/// On-demand models with real parts (docs/manifest.md, "On demand"): the published daemon in run mode, nginx as the
/// origin, clients on the real request socket. The gate's side is in Gate.Tests and <c>OnDemandGateTests</c>.
/// </summary>
public sealed class OnDemandTests(ITestOutputHelper log)
{
    private static string Manifest(NginxFixture nginx, string store, ModelDef preloaded, ModelDef onDemand, string keep) =>
        ModelFiles.OnDemand(
            ModelFiles.Manifest(nginx, store, [preloaded, onDemand], interval: "1s").Replace("  keepVersions: 1\n", "  keepVersions: 1\n  pinGrace: 0\n", StringComparison.Ordinal),
            onDemand.Name,
            keep);

    [Fact]
    public async Task Run_NoPodAsks_NothingFetched_TwentyAskAtOnce_OneFetchAndEachToldReady_ThenItLeavesAfterKeepAfterLastUse()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var pre = new ModelDef("base", "v1", [ModelFiles.Serve(nginx, "base/w.bin", 10_000, 1)]);
        var lora = new ModelDef("lora-a", "v1", [ModelFiles.Serve(nginx, "lora/a.bin", 300_000, 2), ModelFiles.Serve(nginx, "lora/b.json", 500, 3)]);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, Manifest(nginx, store, pre, lora, keep: "3s"));
        Assert.Contains("onDemand: true", File.ReadAllText(manifest), StringComparison.Ordinal);

        await using var daemon = DaemonRunner.Listen(manifest, log);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("base", "Ready");
        await daemon.WaitForLogAsync("Reconcile finished", times: 3); // passes went by: nobody asked, nothing fetched
        Assert.Empty(nginx.Requests("/lora/"));
        Assert.False(Directory.Exists(layout.ModelDir("lora-a")));
        var placement = (await daemon.StatusAsync()).GetProperty("placement").ToString();
        Assert.Contains("on demand: not asked for on this node", placement, StringComparison.Ordinal);

        // The socket is any uid's: 0666.
        Assert.Equal((UnixFileMode)0b110_110_110, File.GetUnixFileMode(layout.RequestSocketPath) & (UnixFileMode)0b111_111_111);

        var clients = Enumerable.Range(0, 20).Select(_ => RequestSocket.Connect(layout.RequestSocketPath)).ToList();
        try
        {
            foreach (var c in clients)
            {
                c.Send("want lora-a\n");
            }

            clients[0].Send("want lora-a\n"); // asked twice on one connection: still one waiting gate, released once

            foreach (var c in clients)
            {
                var line = await c.ReadLineAsync();
                for (var extra = 0; line == "fetching lora-a" && extra < 3; extra++)
                {
                    line = await c.ReadLineAsync();
                }

                Assert.Equal("ready lora-a v1", line);
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.True(File.Exists(layout.MarkerPath("lora-a", "v1")));
        Assert.Single(nginx.Requests("/lora/a.bin")); // twenty asked, one fetch
        Assert.Single(nginx.Requests("/lora/b.json"));
        Assert.Equal(1, await daemon.MetricAsync("modelsync_ondemand_fetches_total", "model=\"lora-a\""));
        Assert.Equal(20, (await daemon.MetricAsync("modelsync_ondemand_requests_total", "answer=\"fetching\"") ?? 0) + (await daemon.MetricAsync("modelsync_ondemand_requests_total", "answer=\"ready\"") ?? 0));
        Assert.Contains("\"lora-a\"", File.ReadAllText(layout.OnDemandPath), StringComparison.Ordinal);
        await Eventually.WaitAsync(() => File.ReadAllText(layout.InventoryPath).Contains("\"onDemand\": true", StringComparison.Ordinal), "the inventory to say onDemand", () => File.ReadAllText(layout.InventoryPath));

        // Nobody pins it: past keepAfterLastUse (3 s) a pass drops it and GC removes it; the preloaded model stays.
        await Eventually.WaitAsync(() => !Directory.Exists(layout.ModelDir("lora-a")), "lora-a to leave the node", () => daemon.Output, TimeSpan.FromSeconds(60));
        Assert.True(File.Exists(layout.MarkerPath("base", "v1")));
        placement = (await daemon.StatusAsync()).GetProperty("placement").ToString();
        Assert.Contains("past keepAfterLastUse 3s", placement, StringComparison.Ordinal);
        Assert.Equal(1, await daemon.MetricAsync("modelsync_ondemand_evictions_total", "why=\"unused\""));
    }

    [Fact]
    public async Task Run_HostileRequests_ChangeNothingOnDisk_AreAnsweredAndLoggedOncePerConnection()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var pre = new ModelDef("base", "v1", [ModelFiles.Serve(nginx, "base/w.bin", 10_000, 1)]);
        var lora = new ModelDef("lora-a", "v1", [ModelFiles.Serve(nginx, "lora/a.bin", 3_000, 2)]);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, Manifest(nginx, store, pre, lora, keep: "1h"));

        await using var daemon = DaemonRunner.Listen(manifest, log);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("base", "Ready");
        string Tree() => string.Join('\n', Directory.EnumerateFileSystemEntries(store, "*", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/.modelsync/", StringComparison.Ordinal) && !p.EndsWith("inventory.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var before = Tree();

        using (var c = RequestSocket.Connect(layout.RequestSocketPath))
        {
            c.Send("want base\nwant nope\ncheck base\nwant ../../etc\n");
            Assert.StartsWith("no base is not an on-demand model", await c.ReadLineAsync(), StringComparison.Ordinal);
            Assert.Equal("no nope is not in the manifest", await c.ReadLineAsync());
            Assert.StartsWith("no base ", await c.ReadLineAsync(), StringComparison.Ordinal);
            Assert.StartsWith("error not a model name", await c.ReadLineAsync(), StringComparison.Ordinal);
            Assert.Null(await c.ReadLineAsync()); // closed
        }

        using (var c = RequestSocket.Connect(layout.RequestSocketPath))
        {
            c.Send("want http://127.0.0.1/x\n");
            Assert.StartsWith("error ", await c.ReadLineAsync(), StringComparison.Ordinal);
        }

        using (var c = RequestSocket.Connect(layout.RequestSocketPath))
        {
            c.Send(new string('a', 10_000));
            Assert.Equal("error a line longer than 256 bytes", await c.ReadLineAsync());
            Assert.Null(await c.ReadLineAsync());
        }

        using (var c = RequestSocket.Connect(layout.RequestSocketPath))
        {
            c.Send(string.Concat(Enumerable.Repeat("check nope\n", 12)));
            var lines = new List<string?>();
            for (var line = await c.ReadLineAsync(); line is not null; line = await c.ReadLineAsync())
            {
                lines.Add(line);
            }

            Assert.Equal(8, lines.Count(l => l == "no nope is not in the manifest"));
            Assert.Equal("error more than 8 requests in a second", lines[^1]);
        }

        Assert.Equal(before, Tree());
        Assert.False(File.Exists(layout.OnDemandPath), "no valid want: nothing recorded");
        Assert.Empty(nginx.Requests("/lora/"));
        // The daemon's log reaches the test asynchronously: wait for the lines, then check there are no more.
        await daemon.WaitForLogAsync("refused: ", times: 2);
        await daemon.WaitForLogAsync("request connection closed: ", times: 2);
        Assert.Equal(2, daemon.CountLines("refused: ")); // first connection's refusal once, and the flood's once
        Assert.Equal(2, daemon.CountLines("request connection closed: ")); // the URL and the long line (the others had logged a refusal)
        Assert.Equal(4, await daemon.MetricAsync("modelsync_ondemand_requests_total", "answer=\"error\""));
    }

    private static async Task WantAsync(StoreLayout layout, string name)
    {
        using var c = RequestSocket.Connect(layout.RequestSocketPath);
        c.Send($"want {name}\n");
        var line = await c.ReadLineAsync();
        // A failure is told and the daemon goes on (a download that did not fit is retried once room is made).
        while (line is not null && (line == $"fetching {name}" || line.StartsWith($"failed {name} ", StringComparison.Ordinal)))
        {
            line = await c.ReadLineAsync();
        }

        Assert.Equal($"ready {name} v1", line);
    }

    [Fact]
    public async Task Run_OnDemandCapacityFull_TheLeastRecentlyUsedUnpinnedModelMakesRoom_APinnedOneStaysThoughOlder()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var pre = new ModelDef("base", "v1", [ModelFiles.Serve(nginx, "base/w.bin", 10_000, 1)]);
        ModelDef Lora(string n, int seed) => new(n, "v1", [ModelFiles.Serve(nginx, $"{n}/w.bin", 300_000, seed)]);
        var manifest = dir.Combine("models.yaml");
        var yaml = ModelFiles.Manifest(nginx, store, [pre, Lora("lora-b", 2), Lora("lora-a", 3), Lora("lora-c", 4)], interval: "1s")
            .Replace("  keepVersions: 1\n", "  keepVersions: 1\n  pinGrace: 0\n  onDemandCapacity: 700Ki\n", StringComparison.Ordinal);
        foreach (var n in new[] { "lora-a", "lora-b", "lora-c" })
        {
            yaml = ModelFiles.OnDemand(yaml, n, "1h");
        }

        File.WriteAllText(manifest, yaml);
        await using var daemon = DaemonRunner.Listen(manifest, log);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("base", "Ready");

        // b is used first (the least recent) but a pod holds it; a is used after it and held by nobody.
        await WantAsync(layout, "lora-b");
        using var holder = GateProcess.Start(log, ["--root", store, "--require", "lora-b", "--hold", "--interval", "100ms"]);
        holder.WaitForLine(l => l.StartsWith("holding 1 pin", StringComparison.Ordinal));
        await WantAsync(layout, "lora-a");
        await daemon.WaitForLogAsync("lora-b: on this node (on demand: pinned by a pod)");

        // c does not fit beside them (900,000 bytes > 700 KiB): a goes, b stays.
        await WantAsync(layout, "lora-c");
        Assert.True(File.Exists(layout.MarkerPath("lora-c", "v1")));
        Assert.True(File.Exists(layout.MarkerPath("lora-b", "v1")), "a pinned on-demand model is never evicted");
        await Eventually.WaitAsync(() => !Directory.Exists(layout.ModelDir("lora-a")), "lora-a to be evicted", () => daemon.Output);
        Assert.Contains("on-demand models use", daemon.Output, StringComparison.Ordinal);
        Assert.Contains("On-demand models evicted to make room (least recently used, not pinned, nobody waiting): lora-a;", daemon.Output, StringComparison.Ordinal);
        Assert.Equal(1, await daemon.MetricAsync("modelsync_ondemand_evictions_total", "why=\"pressure\""));
    }

    [Fact]
    public async Task Run_APinnedOnDemandModel_StaysPastKeepAfterLastUse_AndAcrossADaemonRestart_LeavesAfterThePodDies()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var pre = new ModelDef("base", "v1", [ModelFiles.Serve(nginx, "base/w.bin", 10_000, 1)]);
        var lora = new ModelDef("lora-a", "v1", [ModelFiles.Serve(nginx, "lora/a.bin", 30_000, 2)]);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, Manifest(nginx, store, pre, lora, keep: "2s"));

        GateProcess holder;
        await using (var daemon = DaemonRunner.Listen(manifest, log))
        {
            await daemon.WaitUpAsync();
            await daemon.WaitModelAsync("base", "Ready");
            await WantAsync(layout, "lora-a");
            holder = GateProcess.Start(log, ["--root", store, "--require", "lora-a", "--hold", "--interval", "100ms"]);
            holder.WaitForLine(l => l.StartsWith("holding 1 pin", StringComparison.Ordinal));
            await daemon.WaitForLogAsync("lora-a: on this node (on demand: pinned by a pod)");
            var passes = daemon.CountLines("Reconcile finished");
            await daemon.WaitForLogAsync("Reconcile finished", times: passes + 4); // well past 2 s
            Assert.True(File.Exists(layout.MarkerPath("lora-a", "v1")), daemon.Output);
            daemon.Sigterm();
            Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        using (holder)
        {
            await using var daemon = DaemonRunner.Listen(manifest, log);
            await daemon.WaitUpAsync();
            await daemon.WaitForLogAsync("lora-a: on this node (on demand: pinned by a pod)");
            var passes = daemon.CountLines("Reconcile finished");
            await daemon.WaitForLogAsync("Reconcile finished", times: passes + 4);
            Assert.True(File.Exists(layout.MarkerPath("lora-a", "v1")), "a restarted daemon keeps what a pod pins");
            Assert.Empty(nginx.Requests("/lora/").Skip(1)); // fetched once, never again

            holder.Signal("KILL");
            holder.WaitForExit();
            await Eventually.WaitAsync(() => !Directory.Exists(layout.ModelDir("lora-a")), "lora-a to leave once its pod is gone", () => daemon.Output, TimeSpan.FromSeconds(60));
            Assert.True(File.Exists(layout.MarkerPath("base", "v1")));
        }
    }
}

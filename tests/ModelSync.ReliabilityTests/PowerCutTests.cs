using System.Diagnostics;
using System.Globalization;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// Power cuts, not SIGKILL: the store is on a loop-mounted ext4 or xfs image on an XFS reflink filesystem,
/// and at seeded random instants while the real daemon syncs, switches versions and collects garbage the image
/// is copied atomically (<c>cp --reflink=always</c>): what the filesystem had not flushed to its device is not
/// in the copy. Each copy is then "booted" (its own loop device, journal replayed by the mount) and checked:
/// every published version is whole, every version the inventory vouches for passes the real gate's
/// <c>--verify full</c>, the inventory parses or the daemon rebuilds it, and a sync on it ends Ready.
/// MODELSYNC_POWERCUTS sets the cuts per filesystem (default 8), MODELSYNC_POWERCUT_SEED replays a schedule.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class PowerCutTests(FaultServer server, ITestOutputHelper output) : IDisposable
{
    private const int KiB = 1 << 10;

    private static readonly (string Name, (string Path, int Size)[] Files)[] Models =
    [
        ("alpha", [("config.json", 2 * KiB), ("weights.bin", 600 * KiB), ("tokenizer/vocab.txt", 40 * KiB)]),
        ("beta", [("big.bin", (1536 * KiB) + 333)]),
    ];

    private readonly TestStore _store = new() { KeepVersions = 1 };
    private readonly string _scope = server.NewScope();

    public void Dispose() => _store.Dispose();

    [LoopImagesFact]
    public Task PowerCut_DuringSyncsSwitchesAndGc_Ext4StoreVouchesOnlyForWholeVersions() => RunAsync("ext4");

    [LoopImagesFact]
    public Task PowerCut_DuringSyncsSwitchesAndGc_XfsStoreVouchesOnlyForWholeVersions() => RunAsync("xfs");

    private async Task RunAsync(string fs)
    {
        var seed = Environment.GetEnvironmentVariable("MODELSYNC_POWERCUT_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        var cuts = Environment.GetEnvironmentVariable("MODELSYNC_POWERCUTS") is { Length: > 0 } n ? int.Parse(n, CultureInfo.InvariantCulture) : 8;
        output.WriteLine($"{fs}: seed {seed} (MODELSYNC_POWERCUT_SEED={seed} replays it), {cuts} cuts");
        var clock = Stopwatch.StartNew();
        using var images = LoopImages.Create(Path.Combine(_store.Dir, "images"), fs, _store.Root);
        Assert.True(UnsyncedWriteIsLost(images), "a write without fsync survived every snapshot: the cut would not lose anything");

        // The workload and the cuts run at once; each cut remembers the manifest in force, to sync the rebooted copy with.
        var rng = new Random(seed);
        var snapshots = new List<(string Image, string Manifest, string Phase)>();
        var phase = ("(none)", "");
        using var stop = new CancellationTokenSource();
        var workload = Task.Run(() => WorkloadAsync(new Random(seed ^ 0x5eed), p => phase = p, stop.Token));
        // The cuts start once the first sync is under way: before it there is no store to lose.
        await Eventually.WaitAsync(() => workload.IsCompleted || File.Exists(_store.Layout.InventoryPath), "the first sync to start writing");
        for (var i = 0; i < cuts; i++)
        {
            await Task.Delay(rng.Next(100, 1200));
            Assert.False(workload.IsFaulted, workload.Exception?.ToString());
            var (what, manifest) = phase;
            snapshots.Add((images.Snapshot($"cut-{i}"), manifest, what));
        }

        await stop.CancelAsync();
        await workload;

        var tally = new Tally();
        for (var i = 0; i < snapshots.Count; i++)
        {
            var (image, manifest, what) = snapshots[i];
            var mount = Path.Combine(_store.Dir, $"boot-{i}");
            images.MountSnapshot(image, mount);
            try
            {
                await CheckRebootedAsync(i, what, mount, manifest, tally);
            }
            finally
            {
                images.Unmount(mount);
                File.Delete(image);
            }
        }

        output.WriteLine($"RESULT {fs} seed {seed}: {tally.Cuts} power cuts in {clock.Elapsed.TotalSeconds:0} s; {tally.Vouched} vouched versions "
            + $"passed --verify full, 0 vouched-but-corrupt; {tally.Rebuilt} inventories unreadable and rebuilt, {tally.NoInventory} before the first; "
            + $"{tally.DuringSync} cuts during a sync, {tally.DuringGc} during gc, {tally.Staged} left staged bytes on disk; every rebooted store synced to Ready");
        Assert.Equal(cuts, tally.Cuts);
        Assert.True(tally.DuringSync > 0 || cuts < 4, "no cut landed during a sync");
        Assert.True(tally.Vouched > 0 || cuts < 4, "no cut left a version to verify");
    }

    /// <summary>The premise: data written without fsync is not in a snapshot taken right after.</summary>
    private bool UnsyncedWriteIsLost(LoopImages images)
    {
        var bytes = new byte[1 << 20];
        Random.Shared.NextBytes(bytes);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var probe = Path.Combine(_store.Root, $"probe-{attempt}.bin");
            File.WriteAllBytes(probe, bytes); // no fsync
            var image = images.Snapshot($"probe-{attempt}");
            var mount = Path.Combine(_store.Dir, $"probe-{attempt}");
            images.MountSnapshot(image, mount);
            var copy = Path.Combine(mount, Path.GetFileName(probe));
            var intact = File.Exists(copy) && File.ReadAllBytes(copy).AsSpan().SequenceEqual(bytes);
            images.Unmount(mount);
            File.Delete(image);
            File.Delete(probe);
            output.WriteLine($"probe {attempt}: 1 MiB written without fsync is {(intact ? "intact" : "lost")} in the snapshot");
            if (!intact)
            {
                return true;
            }
        }

        return false;
    }

    private async Task WorkloadAsync(Random rng, Action<(string, string)> phase, CancellationToken stop)
    {
        var versions = Models.ToDictionary(m => m.Name, _ => 1);
        for (var cycle = 0; !stop.IsCancellationRequested; cycle++)
        {
            versions[Models[rng.Next(Models.Length)].Name]++;
            var manifest = _store.WriteManifest([.. Models.Select(m => Model(m.Name, versions[m.Name]))]);
            var text = await File.ReadAllTextAsync(manifest, CancellationToken.None);
            phase(($"sync {cycle}", text));
            Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, output)).ExitCode);
            if (cycle % 3 == 2)
            {
                phase(("gc", text));
                Assert.Equal(0, (await DaemonRunner.RunAsync(output, "gc", "--manifest", manifest)).ExitCode);
            }
        }
    }

    private async Task CheckRebootedAsync(int cut, string what, string root, string manifestText, Tally tally)
    {
        tally.Cuts++;
        tally.DuringGc += what == "gc" ? 1 : 0;
        tally.DuringSync += what.StartsWith("sync", StringComparison.Ordinal) ? 1 : 0;
        var layout = new StoreLayout(root);
        if ((!File.Exists(layout.InventoryPath) && !Directory.Exists(layout.ModelsDir)) || manifestText.Length == 0)
        {
            tally.NoInventory++;
            output.WriteLine($"cut {cut} ({what}): nothing of the store on disk yet");
            return;
        }

        if (Directory.Exists(layout.StagingRoot) && Directory.EnumerateFiles(layout.StagingRoot, "*", SearchOption.AllDirectories).Any())
        {
            tally.Staged++;
        }

        var problems = StoreInvariants.PublishedVersionsAreWhole(layout);
        problems.AddRange(StoreInvariants.CurrentLinksPointAtPublishedVersions(layout));
        var read = InventoryFile.Read(layout);
        if (read.Inventory is { } inventory)
        {
            problems.AddRange(StoreInvariants.InventoryAgreesWithMarkers(layout, out _));
            var promises = inventory.Models.Select(GateCheck.Promise).OfType<string>().ToList();
            if (promises.Count > 0)
            {
                var gate = GateCheck.CheckFull(output, root, promises);
                Assert.True(gate.ExitCode == 0, $"cut {cut} ({what}): gate --verify full {string.Join(',', promises)} exited {gate.ExitCode}:\n{gate.Out}\n{gate.Err}");
                tally.Vouched += promises.Count;
            }
        }
        else if (File.Exists(layout.InventoryPath))
        {
            tally.Rebuilt++;
        }
        else
        {
            tally.NoInventory++;
        }

        Assert.True(problems.Count == 0, $"cut {cut} ({what}):\n{string.Join('\n', problems)}");

        // The node boots: a sync with the manifest in force at the cut ends Ready, and the gate agrees.
        var manifest = Path.Combine(_store.Dir, $"boot-{cut}.yaml");
        File.WriteAllText(manifest, manifestText.Replace($"root: {_store.Root}\n", $"root: {root}\n", StringComparison.Ordinal));
        var sync = await DaemonRunner.SyncAsync(manifest, output);
        Assert.True(sync.ExitCode == 0, $"cut {cut} ({what}): sync on the rebooted store exited {sync.ExitCode}\n{sync.Output}");
        var after = InventoryFile.Read(layout).Inventory!;
        Assert.All(after.Models, m => Assert.Equal(ModelState.Ready, m.State));
        var ready = GateCheck.CheckFull(output, root, after.Models.Select(m => $"{m.Name}@{m.Version}"));
        Assert.True(ready.ExitCode == 0, $"cut {cut} ({what}): gate after the sync exited {ready.ExitCode}:\n{ready.Out}\n{ready.Err}");
        output.WriteLine($"cut {cut} ({what}): inventory {(read.Inventory is null ? "unreadable: " + read.Error : "generation " + read.Inventory.Generation)}; synced to Ready");
    }

    private ManifestModel Model(string name, int version)
    {
        var files = Models.Single(m => m.Name == name).Files;
        foreach (var (path, size) in files)
        {
            var content = new Lazy<byte[]>(() => Content(name, path, size, version));
            server.Route($"{_scope}/{name}/v{version}/{path}",
                r => r.ServeAsync(content.Value, etag: $"\"{name}-{version}\"", throttle: () => true, chunkSize: 32 * KiB));
        }

        return new ManifestModel(name, $"v{version}", $"{server.Origin}{_scope}/{name}/v{version}/",
            [.. files.Select(f => ManifestFile.Of(f.Path, Content(name, f.Path, f.Size, version)))]);
    }

    private static byte[] Content(string model, string path, int size, int version)
    {
        var bytes = new byte[size];
        var key = 14695981039346656037UL;
        foreach (var c in $"{model}/{path}/{version}")
        {
            key = (key ^ c) * 1099511628211UL;
        }

        new GeneratedContent(size, key).Fill(0, bytes);
        return bytes;
    }

    private sealed class Tally
    {
        public int Cuts { get; set; }

        public int Vouched { get; set; }

        public int Rebuilt { get; set; }

        public int NoInventory { get; set; }

        public int Staged { get; set; }

        public int DuringSync { get; set; }

        public int DuringGc { get; set; }
    }
}

using System.Diagnostics;
using System.Globalization;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// SIGKILLs the real daemon (<c>sync</c> and <c>run</c>) at seeded random moments while it downloads,
/// publishes, switches versions and collects garbage, and after every kill checks what a reader of the
/// store may rely on (docs/reliability.md). Reproduce a run with MODELSYNC_CRASH_SEED; MODELSYNC_CRASH_KILLS
/// sets how many kills land (default 200).
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class CrashConsistencyTests(FaultServer server, ITestOutputHelper output) : IDisposable
{
    private const int KiB = 1 << 10;

    /// <summary>Kills land between 0 and this long after the process started: the daemon needs a few hundred
    /// ms to start, then the slow server stretches each sync over about a second.</summary>
    private const int MaxKillDelayMs = 900;

    private readonly TestStore _store = new();
    private readonly string _scope = server.NewScope();
    private readonly HashSet<string> _hashed = new(StringComparer.Ordinal);

    public void Dispose() => _store.Dispose();

    /// <summary>Three models: many small files (publish-heavy), one file over the single-stream path, one
    /// file large enough for parallel ranges. Each version has other content.</summary>
    private static readonly (string Name, (string Path, int Size)[] Files)[] Models =
    [
        ("alpha", [("config.json", 2 * KiB), ("weights.bin", 700 * KiB), ("tokenizer/vocab.txt", 40 * KiB)]),
        ("beta", [("big.bin", (2 * 1024 * KiB) + 333)]),
        ("gamma", [("tiny.bin", 9 * KiB)]),
    ];

    [Fact]
    public async Task Daemon_KilledAtRandomMomentsDuringSyncs_StoreStaysConsistentAndEndsReady()
    {
        var seed = Environment.GetEnvironmentVariable("MODELSYNC_CRASH_SEED") is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var target = Environment.GetEnvironmentVariable("MODELSYNC_CRASH_KILLS") is { Length: > 0 } k
            ? int.Parse(k, CultureInfo.InvariantCulture)
            : 200;
        output.WriteLine($"seed {seed} (MODELSYNC_CRASH_SEED={seed} reproduces the schedule), {target} kills");
        var rng = new Random(seed);
        var versions = Models.ToDictionary(m => m.Name, _ => 1);
        _store.MaxAttempts = 3;
        _store.ExtraSync = "  segmentSize: 1Mi\n  segmentsPerFile: 2";

        var tally = new Tally();
        var everReady = new HashSet<string>(StringComparer.Ordinal);
        long lastGeneration = 0;
        StoreInventory? inventory = null;
        var clock = Stopwatch.StartNew();
        for (var cycle = 0; tally.Kills < target; cycle++)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                // A hang guard, not a timing assertion: it stops a kill loop that no longer gets anywhere.
                throw new TimeoutException($"hang guard: {tally.Kills} kills in {clock.Elapsed}");
            }

            var allReady = inventory?.Models.Count == Models.Length && inventory.Models.All(e => e.State == ModelState.Ready);
            if (allReady || rng.NextDouble() < 0.3)
            {
                // A version bump: the update path, where the previous version must stay usable. Always when
                // everything is Ready, or the next sync would find nothing to do and exit before the kill.
                versions[Models[rng.Next(Models.Length)].Name]++;
            }

            var manifest = _store.WriteManifest([.. Models.Select(m => Model(m.Name, versions[m.Name]))]);
            var roll = rng.NextDouble();
            var delay = rng.Next(MaxKillDelayMs);
            string what;
            var killed = false;
            if (roll < 0.1)
            {
                // Now and then a sync may finish, so versions complete and later kills hit updates and GC.
                var result = await DaemonRunner.SyncAsync(manifest, output);
                Assert.Equal(0, result.ExitCode);
                what = "sync ran to the end";
            }
            else
            {
                var run = roll < 0.35;
                using var daemon = run
                    ? DaemonRunner.Start(output, "run", "--manifest", manifest, "--listen", $"http://127.0.0.1:{Ports.Free()}")
                    : DaemonRunner.Start(output, "sync", "--manifest", manifest);
                await Task.Delay(delay);
                if (daemon.HasExited)
                {
                    what = $"{(run ? "run" : "sync")} exited before the kill at {delay} ms";
                }
                else
                {
                    daemon.KillHard();
                    tally.Kills++;
                    killed = true;
                    what = $"{(run ? "run" : "sync")} killed at {delay} ms";
                }
            }

            inventory = CheckInvariants(everReady, ref lastGeneration, killed ? tally : null);
            output.WriteLine($"cycle {cycle}: {what}; kills {tally.Kills}; {Describe(inventory)}");
        }

        _store.MaxAttempts = 5;
        var finalManifest = _store.WriteManifest([.. Models.Select(m => Model(m.Name, versions[m.Name]))]);
        var final = await DaemonRunner.SyncAsync(finalManifest, output);
        Assert.Equal(0, final.ExitCode);
        var end = CheckInvariants(everReady, ref lastGeneration, null);
        Assert.NotNull(end);
        Assert.All(Models, m => Assert.Equal(ModelState.Ready, end.Find(m.Name)?.State));
        Assert.All(Models, m => Assert.Equal(Version(versions[m.Name]), end.Find(m.Name)?.Version));

        output.WriteLine(
            $"RESULT seed {seed}: {tally.Kills} kill points survived in {clock.Elapsed.TotalSeconds:0} s; the kill left: "
            + $"{tally.NoInventory} no inventory yet, {tally.MidDownload} a download in flight, {tally.UpdateWithPrevious} "
            + $"an update with the previous version serving, {tally.StagedBytes} partial bytes in staging; {tally.GateChecks} gate checks after kills passed");
        // The schedule must have reached the moments it exists for, or the figures above prove little.
        Assert.True(tally.MidDownload > 0, "no kill landed during a download");
        Assert.True(tally.UpdateWithPrevious > 0, "no kill landed during a version update");
        Assert.True(tally.StagedBytes > 0, "no kill left partial bytes in staging");
    }

    /// <summary>Everything a reader may rely on after a crash; returns the inventory (null before the first).
    /// <paramref name="tally"/> (after kills only) counts where the kill left the store.</summary>
    private StoreInventory? CheckInvariants(HashSet<string> everReady, ref long lastGeneration, Tally? tally)
    {
        var layout = _store.Layout;
        var problems = StoreInvariants.PublishedVersionsAreWhole(layout, _hashed);
        problems.AddRange(StoreInvariants.CurrentLinksPointAtPublishedVersions(layout));
        problems.AddRange(StoreInvariants.InventoryAgreesWithMarkers(layout, out var inventory));
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        if (inventory is null)
        {
            if (tally is not null)
            {
                tally.NoInventory++;
            }

            Assert.Empty(everReady);
            return null;
        }

        Assert.True(inventory.Generation >= lastGeneration, $"generation went back from {lastGeneration} to {inventory.Generation}");
        lastGeneration = inventory.Generation;

        // The gate must pass every version the inventory vouches for, and every model that was ever Ready
        // must still be served (nothing good on disk is lost): pinned where Ready, else on its previous version.
        var promises = inventory.Models.Select(GateCheck.Promise).OfType<string>().ToList();
        var covered = promises.Select(p => p.Split('@')[0]).ToHashSet(StringComparer.Ordinal);
        var missing = everReady.Where(n => !covered.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"was Ready once, now neither Ready nor served by a previous version: {string.Join(", ", missing)}");
        if (promises.Count > 0)
        {
            var gate = GateCheck.CheckFull(output, _store.Root, promises);
            Assert.True(gate.ExitCode == 0, $"gate --check --verify full {string.Join(',', promises)} exited {gate.ExitCode}:\n{gate.Out}\n{gate.Err}");
            if (tally is not null)
            {
                tally.GateChecks++;
            }
        }

        foreach (var entry in inventory.Models.Where(e => e.State == ModelState.Ready))
        {
            everReady.Add(entry.Name);
        }

        if (tally is null)
        {
            return inventory;
        }

        if (inventory.Models.Any(e => e.State is ModelState.Pending or ModelState.Downloading))
        {
            tally.MidDownload++;
        }

        if (inventory.Models.Any(e => e.State != ModelState.Ready && e.Previous is not null))
        {
            tally.UpdateWithPrevious++;
        }

        if (Directory.Exists(layout.StagingRoot)
            && Directory.EnumerateFiles(layout.StagingRoot, "*", SearchOption.AllDirectories).Any(f => !f.EndsWith(".json", StringComparison.Ordinal)))
        {
            tally.StagedBytes++;
        }

        return inventory;
    }

    private static string Describe(StoreInventory? inventory) => inventory is null
        ? "no inventory yet"
        : string.Join(", ", inventory.Models.Select(e =>
            $"{e.Name}@{e.Version} {e.State}{(e.Previous is { } p ? $" (previous {p.Version})" : "")}"));

    private static string Version(int n) => $"v{n}";

    private static byte[] Content(string model, string path, int size, int version)
    {
        var bytes = new byte[size];
        // FNV-1a, not HashCode: the same seed must give the same bytes in every process.
        var key = 14695981039346656037UL;
        foreach (var c in $"{model}/{path}/{version}")
        {
            key = (key ^ c) * 1099511628211UL;
        }

        new GeneratedContent(size, key).Fill(0, bytes);
        return bytes;
    }

    private ManifestModel Model(string name, int version)
    {
        var files = Models.Single(m => m.Name == name).Files;
        foreach (var (path, size) in files)
        {
            Route(name, path, size, version);
        }

        return new ManifestModel(name, Version(version), $"{server.Origin}{_scope}/{name}/{Version(version)}/",
            [.. files.Select(f => ManifestFile.Of(f.Path, Content(name, f.Path, f.Size, version)))]);
    }

    /// <summary>Slow enough that a kill lands mid-transfer: 32 KiB then 20 ms, about 1.5 MiB/s per connection.</summary>
    private void Route(string name, string path, int size, int version)
    {
        var content = new Lazy<byte[]>(() => Content(name, path, size, version));
        server.Route($"{_scope}/{name}/{Version(version)}/{path}",
            r => r.ServeAsync(content.Value, etag: $"\"{name}-{version}\"", throttle: () => true, chunkSize: 32 * KiB));
    }


    private sealed class Tally
    {
        public int Kills { get; set; }

        public int NoInventory { get; set; }

        public int MidDownload { get; set; }

        public int UpdateWithPrevious { get; set; }

        public int StagedBytes { get; set; }

        public int GateChecks { get; set; }
    }
}

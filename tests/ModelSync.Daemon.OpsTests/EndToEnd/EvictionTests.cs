using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>
/// Eviction under capacity pressure (docs/operations.md, "GC"), with the real <c>sync</c> verb, nginx and the
/// published gate: a download that does not fit evicts the previous versions no manifest entry needs, least
/// recently used first, and never a pinned one.
/// </summary>
public sealed class EvictionTests
{
    private const int Size = 2_000_000;

    private static ModelDef Model(NginxFixture nginx, string name, string version, int seed) =>
        new(name, version, [ModelFiles.Serve(nginx, $"{name}/{version}/weights.bin", Size, seed)]);

    // Room for three versions of 2 MB, not four: a/v1 (previous), a/v2 (current) and b/v1 need eviction of a/v1.
    private static string Manifest(NginxFixture nginx, string store, params ModelDef[] models)
    {
        var yaml = ModelFiles.Manifest(nginx, store, models, keepVersions: 2).Replace("capacity: 1Gi", "capacity: 7Mi", StringComparison.Ordinal);
        Assert.Contains("capacity: 7Mi", yaml, StringComparison.Ordinal);
        return yaml.Replace("  keepVersions: 2\n", "  keepVersions: 2\n  pinGrace: 0\n", StringComparison.Ordinal);
    }

    private static Task<DaemonResult> Sync(string manifest) => DaemonRunner.VerbAsync("sync", "--manifest", manifest);

    /// <summary>a/v1 (oldest), a/v2 (previous), a/v3 (current): three versions of a, then b added to the manifest.</summary>
    private static async Task<(string Manifest, StoreLayout Layout)> ThreeVersionsThenB(NginxFixture nginx, TempDir dir)
    {
        var store = dir.Combine("store");
        var manifest = dir.Combine("models.yaml");
        foreach (var (version, seed) in new[] { ("v1", 1), ("v2", 2), ("v3", 3) })
        {
            File.WriteAllText(manifest, Manifest(nginx, store, Model(nginx, "a", version, seed)));
            var (code, output) = await Sync(manifest);
            Assert.True(code == 0, output);
        }

        File.WriteAllText(manifest, Manifest(nginx, store, Model(nginx, "a", "v3", 3), Model(nginx, "b", "v1", 10)));
        return (manifest, new StoreLayout(store));
    }

    [Fact]
    public async Task Sync_NewModelDoesNotFit_EvictsTheLeastRecentlyUsedPreviousVersion_AndSyncsIt()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var (manifest, layout) = await ThreeVersionsThenB(nginx, dir);

        var (code, output) = await Sync(manifest);

        Assert.True(code == 0, output);
        Assert.Contains("evicted under capacity pressure: least recently used", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(layout.VersionDir("a", "v1")), "the oldest previous version is evicted first");
        Assert.True(Directory.Exists(layout.VersionDir("a", "v2")), "one eviction made room: the newer previous version stays");
        Assert.True(File.Exists(Path.Combine(layout.CurrentLink("b"), "weights.bin")));
        Assert.True(File.Exists(Path.Combine(layout.CurrentLink("a"), "weights.bin")));
    }

    [Fact]
    public async Task Sync_OnlyPinnedVersionsStandInTheWay_FailsNamingThem_AndEvictsNothingPinned()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var (manifest, layout) = await ThreeVersionsThenB(nginx, dir);
        var v1 = layout.VersionDir("a", "v1");
        var v2 = layout.VersionDir("a", "v2");
        // Held by this test process, as a pod's gate would from its own: the daemon's sync is another process.
        using var pinV1 = VersionPin.TryTake(v1);
        using var pinV2 = VersionPin.TryTake(v2);
        Assert.NotNull(pinV1);
        Assert.NotNull(pinV2);

        var (code, output) = await Sync(manifest);

        Assert.NotEqual(0, code);
        Assert.Contains("pinned by running pods, not evicted: models/a/v1, models/a/v2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("evicted under capacity pressure", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(v1, "weights.bin")) && File.Exists(Path.Combine(v2, "weights.bin")));
        Assert.False(Directory.Exists(layout.VersionDir("b", "v1")));
    }
}

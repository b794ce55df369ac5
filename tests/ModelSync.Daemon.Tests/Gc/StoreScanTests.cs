using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources.Listed;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Gc;

/// <summary>GC after every run-mode pass, and the status look every 2 s, go through the daemon's marker cache
/// (issue 33): an unchanged marker is not read again; a replaced one is. Counted, never timed.</summary>
public sealed class StoreScanTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Read_TwiceWithTheMarkerCache_EachMarkerReadOnceAndTheSameScan()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        Publish(layout, "a", "v1", Day1);
        Publish(layout, "a", "v2", Day1.AddDays(1));
        Publish(layout, "b", "v1", Day1.AddDays(2));
        var markers = new MarkerCache();

        var first = StoreScan.Read(layout, markers);
        var second = StoreScan.Read(layout, markers);

        Assert.Equal(3, markers.Reads);
        var uncached = StoreScan.Read(layout).Models.SelectMany(m => m.Versions).ToList();
        Assert.Equal(uncached, first.Models.SelectMany(m => m.Versions));
        Assert.Equal(uncached, second.Models.SelectMany(m => m.Versions));
    }

    [Fact]
    public void Read_MarkerReplacedBetweenScans_SeenAtTheNextScan()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        Publish(layout, "a", "v1", Day1);
        var markers = new MarkerCache();
        Assert.Equal(Day1, StoreScan.Read(layout, markers).Models.Single().Versions.Single().PublishedAt);

        MarkerFile.Write(layout.VersionDir("a", "v1"), new ModelMarker { Name = "a", Version = "v1", PublishedAt = Day1.AddDays(9) });

        Assert.Equal(Day1.AddDays(9), StoreScan.Read(layout, markers).Models.Single().Versions.Single().PublishedAt);
        Assert.Equal(2, markers.Reads);
    }

    [Fact]
    public void Collect_SecondGcOverUnchangedVersions_ReadsNoMarkerAndKeepsPinHandling()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        Publish(layout, "a", "v1", Day1);
        Publish(layout, "a", "v2", Day1.AddDays(1));
        Publish(layout, "a", "v3", Day1.AddDays(2));
        var markers = new MarkerCache();
        var gc = new GarbageCollector(new FakeTimeProvider(), new StoreChanges(), NullLogger<GarbageCollector>.Instance, markers);
        var manifest = Manifest(dir.Path, keepVersions: 1);
        using (VersionPin.TryTake(layout.VersionDir("a", "v1")) ?? throw new InvalidOperationException("not pinned"))
        {
            var pinned = gc.Collect(layout, manifest, dryRun: false);
            Assert.Empty(pinned.Removed);
            Assert.Contains(pinned.Kept, k => Path.GetFileName(k.Item.Path) == "v1");
        }

        var reads = markers.Reads;
        Assert.Equal(3, reads); // the first GC read each version's marker once, through the cache
        var released = gc.Collect(layout, manifest, dryRun: true);

        Assert.Equal(reads, markers.Reads);
        Assert.Empty(released.Removed); // released within store.pinGrace: still kept
        Assert.True(Directory.Exists(layout.VersionDir("a", "v1")));
    }

    private static void Publish(StoreLayout layout, string name, string version, DateTimeOffset at)
    {
        var dir = layout.VersionDir(name, version);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "w.bin"), version);
        MarkerFile.Write(dir, new ModelMarker { Name = name, Version = version, PublishedAt = at });
        CurrentLink.Switch(layout, name, version);
    }

    private static ModelManifest Manifest(string root, int keepVersions) => new()
    {
        SourcePath = "test.yaml",
        Store = new StoreSettings { Root = root, KeepVersions = keepVersions },
        Sync = new SyncSettings(),
        Models =
        [
            new ModelSpec
            {
                Name = "a",
                Version = "v3",
                Source = new ListedSpec(null, null),
                Files = [new FileSpec { Path = "w.bin", Url = new Uri("http://127.0.0.1/w.bin"), Size = 2 }],
            },
        ],
    };
}

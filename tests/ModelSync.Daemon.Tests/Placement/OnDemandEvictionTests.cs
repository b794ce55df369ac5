using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Sources.Listed;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Placement;

/// <summary>Pressure eviction of on-demand models: least recently used first, never pinned or awaited ones.</summary>
public sealed class OnDemandEvictionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-odevict-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ModelSpec Model(string name, int bytes)
    {
        var layout = new StoreLayout(_root);
        Directory.CreateDirectory(layout.VersionDir(name, "v1"));
        File.WriteAllBytes(Path.Combine(layout.VersionDir(name, "v1"), "w.bin"), new byte[bytes]);
        return new ModelSpec
        {
            Name = name, Version = "v1", Files = [], Source = new ListedSpec(null, null), Placement = new PlacementSpec { OnDemand = true },
        };
    }

    [Fact]
    public void Evict_OldestUnpinnedNotAwaitedFirst_UntilTheShortfallIsCovered()
    {
        var layout = new StoreLayout(_root);
        var book = new OnDemandBook(_time);
        var models = new[] { Model("pinned-oldest", 100), Model("old", 100), Model("awaited", 100), Model("newer", 100), Model("newest", 100) };
        foreach (var m in models.Select(m => m.Name))
        {
            book.Asked(m, TimeSpan.FromDays(1));
            if (m != "awaited")
            {
                book.StoppedWaiting(m);
            }

            _time.Advance(TimeSpan.FromMinutes(1));
        }

        book.PinsSeen(new Dictionary<string, bool> { ["pinned-oldest"] = true, ["old"] = false, ["newer"] = false, ["newest"] = false });
        var manifest = new ModelManifest { SourcePath = "t.yaml", Sync = new SyncSettings(), Store = new StoreSettings { Root = _root }, Models = models };

        var evicted = OnDemandEviction.Evict(manifest, layout, book, need: 150);

        Assert.Equal(["old", "newer"], evicted.Names);
        Assert.Equal(200, evicted.Freed);
        Assert.False(book.Wanted("old", TimeSpan.FromDays(1)));
        Assert.True(book.Wanted("newest", TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Evict_NoShortfall_Nothing()
    {
        var book = new OnDemandBook(_time);
        var manifest = new ModelManifest { SourcePath = "t.yaml", Sync = new SyncSettings(), Store = new StoreSettings { Root = _root }, Models = [Model("a", 10)] };

        Assert.Empty(OnDemandEviction.Evict(manifest, new StoreLayout(_root), book, need: 0).Names);
    }
}

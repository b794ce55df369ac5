using ModelSync.Daemon.Content;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Content;

/// <summary>What one pass knows of the store: the store walked once, then kept current by the pass's own changes.</summary>
public sealed class PassStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-passstore-").FullName;
    private readonly StoreLayout _layout;
    private readonly MarkerCache _markers = new();

    public PassStoreTests() => _layout = new StoreLayout(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Xxh(int i) => i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    private static FileSpec Wanted(int i) => new() { Path = "w.bin", Url = new Uri("http://127.0.0.1/w.bin"), Size = 4, Xxh128 = Xxh(i) };

    private ModelMarker Publish(string name, int content)
    {
        var dir = _layout.VersionDir(name, "v1");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), [1, 2, 3, 4]);
        var marker = new ModelMarker { Name = name, Version = "v1", Files = [new FileEntry { Path = "w.bin", Size = 4, Xxh128 = Xxh(content) }] };
        MarkerFile.Write(dir, marker);
        return marker;
    }

    [Fact]
    public void Content_AskedByEveryModel_StoreWalkedOnceAndEachMarkerReadOnce()
    {
        for (var i = 0; i < 5; i++)
        {
            Publish($"m{i}", i);
        }

        var store = new PassStore(_layout, _markers);
        var found = Enumerable.Range(0, 5).Select(i => store.Content.Find(Wanted(i)).Single().Model).ToList();

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], found);
        Assert.Equal(1, store.IndexBuilds);
        Assert.Equal(5, _markers.Reads);
    }

    [Fact]
    public void Published_AfterTheIndexWasBuilt_ItsFilesFoundWithoutAnotherWalkOrRead()
    {
        Publish("m0", 0);
        var store = new PassStore(_layout, _markers);
        Assert.Empty(store.Content.Find(Wanted(1)));

        store.Published(Publish("m1", 1));

        var copy = Assert.Single(store.Content.Find(Wanted(1)));
        Assert.Equal(("m1", true), (copy.Model, copy.Vouched));
        Assert.Equal((1, 1L), (store.IndexBuilds, _markers.Reads));
        Assert.Equal(["m1"], store.TakeChanged());
        Assert.Empty(store.TakeChanged());
    }

    [Fact]
    public void Reread_CondemnedVersion_ItsSalvagedFilesNoLongerVouched()
    {
        Publish("m0", 0);
        var store = new PassStore(_layout, _markers);
        Assert.True(Assert.Single(store.Content.Find(Wanted(0))).Vouched);
        var dir = _layout.VersionDir("m0", "v1");
        MarkerFile.Condemn(dir, MarkerFile.TryRead(dir)!);

        store.Reread(["m0@v1"]);

        Assert.False(Assert.Single(store.Content.Find(Wanted(0))).Vouched);
        Assert.Equal(["m0"], store.TakeChanged());
    }

    [Fact]
    public void Marker_UnchangedAcrossPasses_ReadByTheFirstPassOnly()
    {
        Publish("m0", 0);

        var first = new PassStore(_layout, _markers).Marker("m0", "v1");
        var second = new PassStore(_layout, _markers).Marker("m0", "v1");

        Assert.Equal(first, second);
        Assert.NotNull(second);
        Assert.Equal(1, _markers.Reads);
    }
}

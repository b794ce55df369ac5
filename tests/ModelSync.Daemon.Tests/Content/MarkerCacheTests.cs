using ModelSync.Daemon.Content;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Content;

/// <summary>The cache against real marker files: read once while unchanged, read again once replaced or gone.</summary>
public sealed class MarkerCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-markers-").FullName;
    private readonly StoreLayout _layout;
    private readonly MarkerCache _cache = new();

    public MarkerCacheTests() => _layout = new StoreLayout(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Publish(string name, string version, string source)
    {
        var dir = _layout.VersionDir(name, version);
        Directory.CreateDirectory(dir);
        MarkerFile.Write(dir, new ModelMarker { Name = name, Version = version, Source = source, Files = [new FileEntry { Path = "w.bin", Size = 4, Xxh128 = new('a', 32) }] });
        return dir;
    }

    [Fact]
    public void Marker_AskedThreeTimesUnchanged_ReadOnce()
    {
        var dir = Publish("m", "v1", "a");

        var seen = Enumerable.Range(0, 3).Select(_ => _cache.MarkerFor(dir, "m", "v1")?.Source).ToList();

        Assert.Equal(["a", "a", "a"], seen);
        Assert.Equal(1, _cache.Reads);
    }

    [Fact]
    public void Marker_ReplacedOnDisk_NewOneReturned()
    {
        var dir = Publish("m", "v1", "a");
        Assert.Equal("a", _cache.Marker(dir)?.Source);

        Publish("m", "v1", "bb");

        Assert.Equal("bb", _cache.Marker(dir)?.Source);
        Assert.Equal(2, _cache.Reads);
    }

    [Fact]
    public void Marker_CondemnedAfterItWasCached_NullAndTheSalvageListSeen()
    {
        var dir = Publish("m", "v1", "a");
        Assert.NotNull(_cache.Marker(dir));

        MarkerFile.Condemn(dir, MarkerFile.TryRead(dir)! with { Files = [] });

        Assert.Null(_cache.Marker(dir));
        Assert.Empty(_cache.Salvage(dir)!.Files);
    }

    [Fact]
    public void MarkerFor_MarkerNamingAnotherVersion_Null()
    {
        var dir = Publish("m", "v1", "a");

        Assert.Null(_cache.MarkerFor(dir, "m", "v2"));
    }

    [Fact]
    public void Wrote_ThenAsked_NotReadBack()
    {
        var dir = Publish("m", "v1", "a");

        _cache.Wrote(dir, MarkerFile.TryRead(dir)!);

        Assert.Equal("a", _cache.Marker(dir)?.Source);
        Assert.Equal(0, _cache.Reads);
    }
}

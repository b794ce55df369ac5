using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.Inventory;

public sealed class MarkerFileTests
{
    [Fact]
    public void WriteThenTryRead_Marker_RoundTripsWithBytes()
    {
        using var store = new StoreBuilder();
        store.Publish("finbert", "2024-06", ("a.bin", StoreBuilder.Bytes(10)), ("b/c.bin", StoreBuilder.Bytes(20)));

        var marker = MarkerFile.TryRead(store.Layout.VersionDir("finbert", "2024-06"));

        Assert.NotNull(marker);
        Assert.Equal("finbert", marker.Name);
        Assert.Equal(30, marker.Bytes);
        Assert.Equal(["a.bin", "b/c.bin"], marker.Files.Select(f => f.Path));
    }

    [Fact]
    public void TryRead_MissingOrCorrupt_ReturnsNull()
    {
        using var store = new StoreBuilder();
        var dir = Path.Combine(store.Root, "v");
        Directory.CreateDirectory(dir);

        Assert.Null(MarkerFile.TryRead(dir));
        File.WriteAllText(Path.Combine(dir, ".modelsync.json"), "{ truncated");
        Assert.Null(MarkerFile.TryRead(dir));
    }
}

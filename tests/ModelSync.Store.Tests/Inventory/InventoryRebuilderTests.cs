using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.Inventory;

public sealed class InventoryRebuilderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T18:00:00Z");

    [Fact]
    public void Rebuild_PublishedModels_BecomeReadyEntriesFromMarkers()
    {
        using var store = new StoreBuilder();
        var finbert = store.Publish("finbert", "2024-06", ("config.json", StoreBuilder.Bytes(7)));
        var minilm = store.Publish("minilm", "v2", ("model.bin", StoreBuilder.Bytes(9)));

        var inventory = InventoryRebuilder.Rebuild(store.Layout, "n1", Now, generation: 5);

        Assert.Equal(5, inventory.Generation);
        Assert.Equal(["finbert", "minilm"], inventory.Models.Select(m => m.Name));
        var rebuilt = inventory.Find("finbert")!;
        Assert.Equal(ModelState.Ready, rebuilt.State);
        Assert.Equal(finbert.Path, rebuilt.Path);
        Assert.Equal(finbert.Files, rebuilt.Files);
        Assert.Equal(minilm.Bytes, inventory.Find("minilm")!.Bytes);
    }

    [Fact]
    public void Rebuild_FollowsCurrentLink_NotTheNewestDirectory()
    {
        using var store = new StoreBuilder();
        store.Publish("finbert", "2024-07", ("a", StoreBuilder.Bytes(1)));
        store.Publish("finbert", "2024-06", ("a", StoreBuilder.Bytes(1)));

        var inventory = InventoryRebuilder.Rebuild(store.Layout, null, Now);

        Assert.Equal("2024-06", inventory.Find("finbert")!.Version);
    }

    [Fact]
    public void Rebuild_VersionWithoutMarkerOrWithForeignMarker_IsSkipped()
    {
        using var store = new StoreBuilder();
        store.Publish("nomarker", "1", ("a", StoreBuilder.Bytes(1)));
        File.Delete(store.Layout.MarkerPath("nomarker", "1"));
        store.Publish("foreign", "1", ("a", StoreBuilder.Bytes(1)));
        MarkerFile.Write(store.Layout.VersionDir("foreign", "1"), new ModelMarker { Name = "other", Version = "1" });
        Directory.CreateDirectory(store.Layout.ModelDir("nolink"));

        var inventory = InventoryRebuilder.Rebuild(store.Layout, null, Now);

        Assert.Empty(inventory.Models);
    }

    [Fact]
    public void Rebuild_EmptyRoot_GivesEmptyInventory()
    {
        using var store = new StoreBuilder();

        Assert.Empty(InventoryRebuilder.Rebuild(store.Layout, null, Now).Models);
    }
}

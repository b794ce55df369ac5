using System.Text;
using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.Inventory;

public sealed class InventoryFileTests
{
    [Fact]
    public void WriteThenRead_FullInventory_RoundTrips()
    {
        using var store = new StoreBuilder();
        var ready = store.Publish("finbert", "2024-06", ("config.json", StoreBuilder.Bytes(758)));
        var failed = new ModelEntry
        {
            Name = "minilm",
            Version = "v2",
            State = ModelState.Failed,
            Error = new ModelError { Reason = "ChecksumMismatch", Message = "sha256 differs", Attempts = 3, NextRetryAt = DateTimeOffset.Parse("2026-11-24T18:02:11Z") },
        };
        var inventory = new StoreInventory { Generation = 42, WrittenAt = DateTimeOffset.Parse("2026-11-24T18:00:00Z"), Node = "n1", Models = [ready, failed] };

        InventoryFile.Write(store.Layout, inventory);
        var read = InventoryFile.Read(store.Layout);

        Assert.Null(read.Error);
        Assert.Equal(42, read.Inventory!.Generation);
        Assert.Equal(inventory.WrittenAt, read.Inventory.WrittenAt);
        Assert.Equal(ready.Files, read.Inventory.Find("finbert")!.Files);
        Assert.Equal(failed.Error, read.Inventory.Find("minilm")!.Error);
        Assert.Equal(ModelState.Failed, read.Inventory.Find("minilm")!.State);
    }

    [Fact]
    public void Write_Json_UsesCamelCaseAndStateNames()
    {
        using var store = new StoreBuilder();
        store.WriteInventory(StoreBuilder.Downloading("finbert", "2024-06", 1, 2));

        var json = File.ReadAllText(store.Layout.InventoryPath);

        Assert.Contains("\"schemaVersion\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"Downloading\"", json, StringComparison.Ordinal);
        Assert.Contains("\"bytesDone\": 1", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoInventory_FailsNamingThePath()
    {
        using var store = new StoreBuilder();

        var read = InventoryFile.Read(store.Layout);

        Assert.Null(read.Inventory);
        Assert.Contains(store.Layout.InventoryPath, read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RootMissing_FailsNamingTheRoot()
    {
        var layout = new ModelSync.Store.Layout.StoreLayout("/nonexistent/modelsync-root");

        var read = InventoryFile.Read(layout);

        Assert.Contains("/nonexistent/modelsync-root", read.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"schemaVersion\": 1, \"models\": [")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"schemaVersion\": 1, \"models\": [{\"version\": \"1\"}]}")]
    public void Read_CorruptOrTruncated_FailsAsCorrupt(string content)
    {
        using var store = new StoreBuilder();
        store.WriteRawInventory(content);

        var read = InventoryFile.Read(store.Layout);

        Assert.Null(read.Inventory);
        Assert.Contains("corrupt inventory", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OtherSchemaVersion_IsRefused()
    {
        var read = InventoryFile.Parse(Encoding.UTF8.GetBytes("{\"schemaVersion\": 2, \"models\": []}"), "x.json");

        Assert.Contains("schemaVersion 2", read.Error, StringComparison.Ordinal);
    }
}

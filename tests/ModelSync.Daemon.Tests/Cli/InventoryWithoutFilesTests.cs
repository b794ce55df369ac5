using System.Text.Json;
using ModelSync.Daemon.Cli;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Cli;

/// <summary>The status table reads the inventory without file lists (issue 33) and prints what the whole read prints.</summary>
public sealed class InventoryWithoutFilesTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Read_InventoryWithFiles_SameTableWithoutTheLists()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        InventoryFile.Write(layout, Inventory());

        var whole = InventoryFile.Read(layout).Inventory!;
        var light = InventoryFile.Read(layout, quick: false, InventoryWithoutFiles.TypeInfo()).Inventory!;

        Assert.Equal(2, whole.Models[0].Files.Count);
        Assert.All(light.Models, m => Assert.Empty(m.Files));
        var writer = WriterCheck.Check(whole, lockHeld: false, At);
        Assert.Equal(StatusCommand.Table(whole, writer), StatusCommand.Table(light, writer));
        var withoutLists = whole with { Models = [.. whole.Models.Select(m => m with { Files = [] })] };
        Assert.Equal(Json(withoutLists), Json(light)); // every other field read alike
    }

    [Fact]
    public void Read_MalformedFileList_StillACorruptInventory()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        InventoryFile.Write(layout, Inventory());
        var text = File.ReadAllText(layout.InventoryPath);
        File.WriteAllText(layout.InventoryPath, text.Replace("\"size\": 1,", "\"size\": 1, ]", StringComparison.Ordinal));

        var read = InventoryFile.Read(layout, quick: false, InventoryWithoutFiles.TypeInfo());

        Assert.Null(read.Inventory);
        Assert.Contains("corrupt inventory", read.Error, StringComparison.Ordinal);
    }

    private static string Json(StoreInventory inventory) => JsonSerializer.Serialize(inventory, StoreJsonContext.Default.StoreInventory);

    private static StoreInventory Inventory() => new()
    {
        Generation = 7,
        WrittenAt = At,
        Node = "n1",
        Models =
        [
            new ModelEntry
            {
                Name = "a", Version = "v1", State = ModelState.Ready, Path = "models/a/v1", Bytes = 3, ReadyAt = At,
                Files = [new FileEntry { Path = "x.bin", Size = 1, Sha256 = new string('a', 64) }, new FileEntry { Path = "y.bin", Size = 2 }],
            },
            new ModelEntry
            {
                Name = "b", Version = "v2", State = ModelState.Failed, Bytes = 0,
                Error = new ModelError { Reason = "HttpStatus", Message = "404 from source", Attempts = 3 },
                Files = [new FileEntry { Path = "z.bin", Size = 5 }],
            },
        ],
    };
}

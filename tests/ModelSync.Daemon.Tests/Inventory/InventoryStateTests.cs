using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Inventory;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.TestKit;

namespace ModelSync.Daemon.Tests.Inventory;

/// <summary>The entries stay sorted by name as they come and go (lookups are a binary search), as written and as loaded.</summary>
public sealed class InventoryStateTests : IDisposable
{
    private static readonly string[] Names = ["m10", "b", "m2", "a", "z", "m1"];
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly StoreLayout _layout;

    public InventoryStateTests()
    {
        _layout = new StoreLayout(_dir.Combine("store"));
        Directory.CreateDirectory(_layout.Root);
    }

    public void Dispose() => _dir.Dispose();

    private InventoryState Open() => new(_layout, "node", _time, NullLogger<InventoryState>.Instance);

    [Fact]
    public void Set_NamesInAnyOrder_EachFoundAndWrittenSortedByName()
    {
        var state = Open();

        foreach (var name in Names)
        {
            state.Set(ModelEntries.Pending(name, "1", null, 3, previous: null));
        }

        state.Update("m2", e => e with { Version = "2" });
        state.RetainOnly(["a", "m1", "m2", "m10", "z"]);
        state.Flush();

        Assert.All(Names.Where(n => n != "b"), n => Assert.Equal(n, state.Find(n)?.Name));
        Assert.Null(state.Find("b"));
        Assert.Equal("2", state.Find("m2")!.Version);
        Assert.Equal(["a", "m1", "m10", "m2", "z"], InventoryFile.Read(_layout).Inventory!.Models.Select(m => m.Name));
    }

    [Fact]
    public void Open_InventoryWrittenUnsorted_EveryEntryFound()
    {
        InventoryFile.Write(_layout, new StoreInventory
        {
            Generation = 1,
            WrittenAt = _time.GetUtcNow(),
            Models = [.. Names.Select(n => ModelEntries.Pending(n, "1", null, 3, previous: null))],
        });

        var state = Open();

        Assert.All(Names, n => Assert.Equal(n, state.Find(n)?.Name));
        Assert.Equal(Names.Order(StringComparer.Ordinal), state.Snapshot().Models.Select(m => m.Name));
    }
}

using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Sync;

public sealed class CapacityGuardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-capacity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CapacityNeed Model(string name, long size) => new(name, size, []);

    private CapacityGuard Guard(long capacity) =>
        new(new StoreLayout(_root), new StoreSettings { Root = _root, Capacity = capacity, Reserve = 0 });

    [Fact]
    public void TryReserve_TwoModelsThatOnlyFitAlone_SecondRefusedWhileFirstInFlight()
    {
        var guard = Guard(capacity: 100);

        using var first = guard.TryReserve(Model("a", 60), out var firstProblem);
        var second = guard.TryReserve(Model("b", 60), out var secondProblem);

        Assert.NotNull(first);
        Assert.Null(firstProblem);
        Assert.Null(second);
        Assert.Contains("capacity", secondProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReserve_AfterTheFirstReleases_SecondFits()
    {
        var guard = Guard(capacity: 100);
        guard.TryReserve(Model("a", 60), out _)!.Dispose();

        using var second = guard.TryReserve(Model("b", 60), out var problem);

        Assert.NotNull(second);
        Assert.Null(problem);
    }

    [Fact]
    public void TryReserve_PublishedAndTrashBytesCount_Refused()
    {
        var layout = new StoreLayout(_root);
        Directory.CreateDirectory(layout.VersionDir("old", "v1"));
        File.WriteAllBytes(Path.Combine(layout.VersionDir("old", "v1"), "w.bin"), new byte[50]);
        Directory.CreateDirectory(layout.TrashDir);
        File.WriteAllBytes(Path.Combine(layout.TrashDir, "x.bin"), new byte[30]);

        var lease = Guard(capacity: 100).TryReserve(Model("a", 30), out var problem);

        Assert.Null(lease);
        Assert.Contains("uses 80 B", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReserve_PublishedFileHardLinkedIntoAnotherVersion_CountedOnce()
    {
        var layout = new StoreLayout(_root);
        Directory.CreateDirectory(layout.VersionDir("m", "v1"));
        Directory.CreateDirectory(layout.VersionDir("m", "v2"));
        var weights = Path.Combine(layout.VersionDir("m", "v1"), "w.bin");
        File.WriteAllBytes(weights, new byte[60]);
        Assert.True(ModelSync.Store.IO.FileIdentity.TryHardLink(weights, Path.Combine(layout.VersionDir("m", "v2"), "w.bin")));

        using var lease = Guard(capacity: 100).TryReserve(Model("a", 40), out var problem);

        Assert.Null(problem);
        Assert.Equal(60, ModelSync.Store.IO.DiskUsage.StoreBytes(layout));
    }

    [Fact]
    public void TryReserve_OnDemandModelsOverOnDemandCapacity_RefusedWithTheShortfall_APreloadedOneFits()
    {
        var layout = new StoreLayout(_root);
        Directory.CreateDirectory(layout.VersionDir("lora-a", "v1"));
        File.WriteAllBytes(Path.Combine(layout.VersionDir("lora-a", "v1"), "w.bin"), new byte[60]);
        var guard = new CapacityGuard(layout, new StoreSettings { Root = _root, Capacity = 1000, OnDemandCapacity = 100, Reserve = 0 }, new HashSet<string> { "lora-a", "lora-b" });

        var refused = guard.TryReserve(Model("lora-b", 50), out var problem);
        using var preloaded = guard.TryReserve(Model("base", 50), out var preloadedProblem);

        Assert.Null(refused);
        Assert.Contains("on-demand models use 60 B (with downloads in flight) of the 100 B store.onDemandCapacity allows", problem, StringComparison.Ordinal);
        Assert.Equal(10, guard.Shortfall);
        Assert.NotNull(preloaded);
        Assert.Null(preloadedProblem);
    }
}

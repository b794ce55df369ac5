using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Gc;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Gc;

/// <summary>What GC keeps for pins: <see cref="PinWatch"/>'s grace and the planner's holds.</summary>
public sealed class PinWatchTests
{
    private static readonly StoreLayout Layout = new("/store");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Look_ReleasedPin_HeldForTheGraceFromTheFirstLookThatSawItFree_ThenLetGo()
    {
        var time = new FakeTimeProvider(T0);
        var watch = new PinWatch(time);
        var grace = TimeSpan.FromMinutes(5);

        Assert.Equal("pinned", watch.Look(new Dictionary<string, bool> { ["models/m/v1"] = true, ["models/m/v2"] = false }, grace)["models/m/v1"].Why);
        time.Advance(TimeSpan.FromMinutes(1));
        var released = watch.Look(new Dictionary<string, bool> { ["models/m/v1"] = false, ["models/m/v2"] = false }, grace);
        Assert.Equal(["models/m/v1"], released.Keys); // v2 was never seen pinned: not held
        Assert.Contains("within store.pinGrace 5m", released["models/m/v1"].Why, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Contains("models/m/v1", watch.Look(new Dictionary<string, bool> { ["models/m/v1"] = false }, grace).Keys);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(watch.Look(new Dictionary<string, bool> { ["models/m/v1"] = false }, grace));
    }

    [Fact]
    public void Look_PinnedAgainWithinTheGrace_StartsOverAtTheNextRelease()
    {
        var time = new FakeTimeProvider(T0);
        var watch = new PinWatch(time);
        var grace = TimeSpan.FromMinutes(5);
        watch.Look(new Dictionary<string, bool> { ["v"] = true }, grace);
        watch.Look(new Dictionary<string, bool> { ["v"] = false }, grace);
        time.Advance(TimeSpan.FromMinutes(4));
        watch.Look(new Dictionary<string, bool> { ["v"] = true }, grace); // the holder's container restarted
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Contains("v", watch.Look(new Dictionary<string, bool> { ["v"] = false }, grace).Keys);
    }

    [Fact]
    public void Look_GraceZero_LetsGoAtTheFirstLookThatSeesItFree()
    {
        var watch = new PinWatch(new FakeTimeProvider(T0));
        watch.Look(new Dictionary<string, bool> { ["v"] = true }, TimeSpan.Zero);
        Assert.Empty(watch.Look(new Dictionary<string, bool> { ["v"] = false }, TimeSpan.Zero));
    }

    [Fact]
    public void Plan_PinnedVersions_KeptWhateverKeepVersionsOrTheManifestSays()
    {
        var t = T0;
        var scan = new StoreScan(
            [new ModelOnDisk("m", "v3", [new("v1", t), new("v2", t.AddDays(1)), new("v3", t.AddDays(2))]),
             new ModelOnDisk("gone", "v1", [new("v1", t), new("v2", t.AddDays(1))])],
            ["m", "gone"], [], [], []);
        var holds = new Dictionary<string, PinHold> { ["models/m/v1"] = new("pinned"), ["models/gone/v1"] = new("pinned") };

        var plan = GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v3" }, keepVersions: 0, holds);

        Assert.Equal(["current/gone", "models/gone/v2", "models/m/v2"], plan.Remove.Select(i => i.What).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(plan.Remove, i => i.What == "models/gone"); // models/gone/ stays with its pinned version
        Assert.Equal(["models/gone/v1", "models/m/v1"], plan.Kept.Select(k => k.Item.What).Order(StringComparer.Ordinal));
        Assert.All(plan.Kept, k => Assert.Equal("pinned", k.Why));
    }
}

using ModelSync.Daemon.Gc;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Gc;

/// <summary>What eviction under capacity pressure takes: <see cref="Eviction"/> and the planner's evictable set.</summary>
public sealed class EvictionTests
{
    private static readonly StoreLayout Layout = new("/store");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static GcEvictable Candidate(string what, DateTimeOffset publishedAt) =>
        new(new GcItem(GcKind.Version, "/store/" + what, what, "previous version (store.keepVersions)"), publishedAt);

    // Each candidate frees 100 bytes of its own.
    private static long Freed(IEnumerable<string> paths) => paths.Count() * 100L;

    [Fact]
    public void Choose_LeastRecentlyUsedFirst_StopsOnceTheShortfallIsCovered()
    {
        var candidates = new[] { Candidate("models/a/v2", T0.AddDays(2)), Candidate("models/a/v1", T0), Candidate("models/b/v1", T0.AddDays(1)) };

        var chosen = Eviction.Choose(candidates, need: 150, _ => null, Freed, T0.AddDays(3));

        Assert.Equal(["models/a/v1", "models/b/v1"], chosen.Select(c => c.What));
        Assert.Equal("evicted under capacity pressure: least recently used, last used 72h ago", chosen[0].Why);
    }

    [Fact]
    public void Choose_ARecentPinCountsAsUse_TheOlderPublishedVersionGoesLast()
    {
        var candidates = new[] { Candidate("models/a/v1", T0), Candidate("models/b/v1", T0.AddDays(1)) };

        var chosen = Eviction.Choose(candidates, need: 100, v => v == "models/a/v1" ? T0.AddDays(2) : null, Freed, T0.AddDays(3));

        Assert.Equal(["models/b/v1"], chosen.Select(c => c.What));
    }

    [Fact]
    public void Choose_AVersionThatFreesNothing_IsLeftAlone()
    {
        var candidates = new[] { Candidate("models/a/v1", T0), Candidate("models/b/v1", T0.AddDays(1)) };

        // a/v1's files are all shared with a kept version: removing it frees nothing.
        var chosen = Eviction.Choose(candidates, need: 1_000, _ => null, paths => paths.Count(p => !p.EndsWith("a/v1", StringComparison.Ordinal)) * 100L, T0.AddDays(3));

        Assert.Equal(["models/b/v1"], chosen.Select(c => c.What));
    }

    [Fact]
    public void Choose_NoShortfall_EvictsNothing() =>
        Assert.Empty(Eviction.Choose([Candidate("models/a/v1", T0)], need: 0, _ => null, Freed, T0));

    [Fact]
    public void Plan_Evictable_IsThePreviousVersionsKept_NeitherCurrentNorWantedNorPinned()
    {
        var scan = new StoreScan(
            [new ModelOnDisk("m", "v3", [new("v1", T0), new("v2", T0.AddDays(1)), new("v3", T0.AddDays(2)), new("v4", null)])],
            ["m"], [], [], []);
        var holds = new Dictionary<string, PinHold> { ["models/m/v1"] = new("pinned") };

        var plan = GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v4" }, keepVersions: 2, holds);

        Assert.Equal(["models/m/v2"], plan.Evictable.Select(e => e.Item.What));
        Assert.Empty(plan.Remove);
    }
}

using ModelSync.Daemon.Gc;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Gc;

public sealed class GcPlannerTests
{
    private static readonly StoreLayout Layout = new("/store");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static StoreScan Scan(IReadOnlyList<ModelOnDisk> models, IReadOnlyList<string>? links = null, IReadOnlyList<StagingOnDisk>? staging = null, IReadOnlyList<string>? trash = null) =>
        new(models, links ?? [.. models.Where(m => m.Current is not null).Select(m => m.Name)], [], staging ?? [], trash ?? []);

    private static VersionOnDisk V(string version, int day) => new(version, T0.AddDays(day));

    private static string[] Removed(IReadOnlyList<GcItem> plan) => [.. plan.Select(i => i.What)];

    [Fact]
    public void Plan_AfterTwoSwitches_KeepsCurrentAndKeepVersionsNewestByPublishedAt()
    {
        // Published order v1 (day 1), v3 (day 2), v2 (day 3): "newest" is by marker, not by name.
        var scan = Scan([new ModelOnDisk("m", "v4", [V("v1", 1), V("v3", 2), V("v2", 3), V("v4", 4)])]);

        var plan = GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v4" }, keepVersions: 2);

        Assert.Equal(["models/m/v1"], Removed(plan));
    }

    [Fact]
    public void Plan_KeepVersionsZero_KeepsOnlyCurrent()
    {
        var scan = Scan([new ModelOnDisk("m", "v2", [V("v1", 1), V("v2", 2)])]);

        Assert.Equal(["models/m/v1"], Removed(GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v2" }, 0)));
    }

    [Fact]
    public void Plan_NeverRemovesCurrent_EvenWhenManifestWantsANewerVersionStillDownloading()
    {
        var scan = Scan(
            [new ModelOnDisk("m", "v1", [V("v0", 0), V("v1", 1)])],
            staging: [new StagingOnDisk("m", "v2"), new StagingOnDisk("m", "v2.resume")]);

        var plan = GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v2" }, keepVersions: 0);

        Assert.Equal(["models/m/v0"], Removed(plan));
    }

    [Fact]
    public void Plan_ManifestVersionPublishedButNotCurrent_IsKept()
    {
        var scan = Scan([new ModelOnDisk("m", "v1", [V("v1", 1), V("v2", 2)])]);

        Assert.Empty(GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v2" }, keepVersions: 0));
    }

    [Fact]
    public void Plan_ModelNotInManifest_RemovesLinkModelAndStaging()
    {
        var scan = Scan(
            [new ModelOnDisk("old", "v1", [V("v1", 1)]), new ModelOnDisk("keep", "v1", [V("v1", 1)])],
            staging: [new StagingOnDisk("old", "v2"), new StagingOnDisk("old", "v2.resume")]);

        var plan = GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["keep"] = "v1" }, keepVersions: 1);

        Assert.Equal(["current/old", "models/old", ".modelsync/staging/old"], Removed(plan));
    }

    [Fact]
    public void Plan_StaleStagingAndTrash_AreRemoved_WantedStagingKept()
    {
        var scan = Scan(
            [new ModelOnDisk("m", "v1", [V("v1", 1)])],
            staging: [new StagingOnDisk("m", "v0"), new StagingOnDisk("m", "v0.resume"), new StagingOnDisk("m", "v2"), new StagingOnDisk("m", "v2.resume")],
            trash: ["m-v1-abc"]);

        var plan = GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v2" }, keepVersions: 1);

        Assert.Equal([".modelsync/staging/m/v0", ".modelsync/staging/m/v0.resume", ".modelsync/trash/m-v1-abc"], Removed(plan));
    }

    [Fact]
    public void Plan_VersionWithoutMarker_IsRemovedUnlessCurrentOrWanted()
    {
        var scan = Scan([new ModelOnDisk("m", "v2", [new VersionOnDisk("half", null), V("v1", 1), V("v2", 2)])]);

        var plan = GcPlanner.Plan(Layout, scan, new Dictionary<string, string> { ["m"] = "v2" }, keepVersions: 5);

        Assert.Equal(["models/m/half"], Removed(plan));
    }
}

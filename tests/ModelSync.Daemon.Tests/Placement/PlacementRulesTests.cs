using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;

namespace ModelSync.Daemon.Tests.Placement;

public sealed class PlacementRulesTests
{
    private static readonly PlacementSpec GpuByName = new() { Nodes = ["gpu-*"] };

    private static readonly PlacementSpec GpuByLabel = new()
    {
        Selector = new NodeSelector(new Dictionary<string, string> { ["gpu"] = "a100" }, [new SelectorRequirement("spot", "NotIn", ["true"])]),
    };

    [Theory]
    [InlineData("gpu-*", "gpu-1", true)]
    [InlineData("gpu-*", "gpu-", true)]
    [InlineData("gpu-*", "cpu-1", false)]
    [InlineData("gpu-?", "gpu-12", false)]
    [InlineData("*-1", "cpu-1", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("node-1", "node-1", true)]
    public void Matches_Glob_AsWritten(string glob, string name, bool expected) =>
        Assert.Equal(expected, NodeGlob.Matches(glob, name));

    [Fact]
    public void Decide_NoPlacement_EveryNode()
    {
        var d = PlacementRules.Decide("m", null, null, null);
        Assert.Equal((PlacementVerdict.Here, "every node"), (d.Verdict, d.Why));
    }

    [Fact]
    public void Decide_NameNotMatching_NotHereWithoutLabels()
    {
        var d = PlacementRules.Decide("m", GpuByName with { Selector = GpuByLabel.Selector }, "cpu-1", null);
        Assert.Equal(PlacementVerdict.NotHere, d.Verdict);
        Assert.StartsWith("not for this node (nodes gpu-*", d.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NameMatching_Here() =>
        Assert.Equal((PlacementVerdict.Here, "nodes gpu-*"), Verdict(PlacementRules.Decide("m", GpuByName, "gpu-2", null)));

    [Fact]
    public void Decide_NoNodeName_UnknownNeverAFallback()
    {
        var d = PlacementRules.Decide("m", GpuByName, null, null);
        Assert.Equal(PlacementVerdict.Unknown, d.Verdict);
        Assert.Contains("MODELSYNC_NODE", d.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_LabelsUnknown_Unknown() =>
        Assert.Equal(PlacementVerdict.Unknown, PlacementRules.Decide("m", GpuByLabel, "n", null).Verdict);

    [Fact]
    public void Decide_Labels_SelectorDecides()
    {
        Assert.Equal((PlacementVerdict.Here, "label gpu=a100, label spot not in (true)"),
            Verdict(PlacementRules.Decide("m", GpuByLabel, "n", new Dictionary<string, string> { ["gpu"] = "a100" })));
        Assert.Equal(PlacementVerdict.NotHere,
            PlacementRules.Decide("m", GpuByLabel, "n", new Dictionary<string, string> { ["gpu"] = "a100", ["spot"] = "true" }).Verdict);
        Assert.Equal(PlacementVerdict.NotHere,
            PlacementRules.Decide("m", GpuByLabel, "n", new Dictionary<string, string> { ["gpu"] = "t4" }).Verdict);
    }

    [Theory]
    [InlineData("Exists", true, false)]
    [InlineData("DoesNotExist", false, true)]
    [InlineData("In", true, false)]
    [InlineData("NotIn", false, true)]
    public void Matches_Operators_AsKubernetes(string op, bool withLabel, bool without)
    {
        var r = new SelectorRequirement("k", op, op is "In" or "NotIn" ? ["v"] : []);
        Assert.Equal(withLabel, r.Matches(new Dictionary<string, string> { ["k"] = "v" }));
        Assert.Equal(without, r.Matches(new Dictionary<string, string>()));
    }

    private static (PlacementVerdict, string) Verdict(PlacementDecision d) => (d.Verdict, d.Why);
}

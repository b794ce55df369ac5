using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Tests.Manifest;

namespace ModelSync.Daemon.Tests.Placement;

/// <summary><c>models[].placement</c> (docs/manifest.md, "Placement"): read strictly, each problem at FILE:LINE:COL.</summary>
public sealed class PlacementManifestTests
{
    private static string Model(string placement) => $$"""
        models:
          - name: m
            version: "1"
            baseUrl: http://127.0.0.1:65001/m
            files: [{ path: a, size: 0, xxh128: 0123456789abcdef0123456789abcdef }]
            placement:
        {{placement}}
        """;

    [Fact]
    public void Load_FullPlacement_EveryValue()
    {
        var result = ManifestLoaderTests.Load(Model("""
                  nodes: ["gpu-*", "big-node"]
                  nodeSelector:
                    matchLabels: { gpu: a100 }
                    matchExpressions:
                      - { key: zone, operator: In, values: [a, b] }
                      - { key: example.com/spot, operator: DoesNotExist }
                  labelNode: true
            """));

        Assert.Empty(result.Problems);
        var p = Assert.IsType<PlacementSpec>(result.Manifest!.Models[0].Placement);
        Assert.Equal(["gpu-*", "big-node"], p.Nodes);
        Assert.Equal("a100", p.Selector!.MatchLabels["gpu"]);
        Assert.Equal(new SelectorRequirement("zone", "In", ["a", "b"]), p.Selector.MatchExpressions[0], new RequirementComparer());
        Assert.Equal("DoesNotExist", p.Selector.MatchExpressions[1].Operator);
        Assert.True(p.LabelNode);
        Assert.Equal("nodes gpu-*, big-node and label gpu=a100, label zone in (a, b), no label example.com/spot", p.Rule);
    }

    [Fact]
    public void Load_NoPlacement_Null()
    {
        var result = ManifestLoaderTests.Load(Model("").Replace("    placement:\n", "", StringComparison.Ordinal));

        Assert.Empty(result.Problems);
        Assert.Null(result.Manifest!.Models[0].Placement);
    }

    [Theory]
    [InlineData("      nodes: [GPU_1]", "t.yaml:7:15: models[0].placement.nodes: must be a node name")]
    [InlineData("      nodes: []", "t.yaml:7:14: models[0].placement.nodes: must list at least one")]
    [InlineData("      labelNode: yes", "t.yaml:7:18: models[0].placement.labelNode: must be true or false, got 'yes'")]
    [InlineData("      nodeSelectr: {}", "t.yaml:7:7: models[0].placement.nodeSelectr: unknown key; did you mean 'nodeSelector'?")]
    [InlineData("      nodeSelector: {}", "t.yaml:7:21: models[0].placement.nodeSelector: is empty")]
    [InlineData("      nodeSelector: { matchLabels: { \"gpu/\": a } }", "t.yaml:7:38: models[0].placement.nodeSelector.matchLabels.gpu/: must be a label key")]
    [InlineData("      nodeSelector: { matchLabels: { gpu: \"a b\" } }", "t.yaml:7:43: models[0].placement.nodeSelector.matchLabels.gpu: must be a label value")]
    [InlineData("      nodeSelector: { matchExpressions: [{ key: gpu, operator: in, values: [a] }] }", "t.yaml:7:64: models[0].placement.nodeSelector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist (as Kubernetes writes them), got 'in'; did you mean 'In'?")]
    [InlineData("      nodeSelector: { matchExpressions: [{ key: gpu, operator: In }] }", "t.yaml:7:42: models[0].placement.nodeSelector.matchExpressions[0].values: must list at least one value with operator In")]
    [InlineData("      nodeSelector: { matchExpressions: [{ key: gpu, operator: Exists, values: [a] }] }", "t.yaml:7:80: models[0].placement.nodeSelector.matchExpressions[0].values: must not be written with operator Exists")]
    [InlineData("      {}", "t.yaml:7:7: models[0].placement: is empty")]
    public void Load_BadPlacement_OneProblemAtItsPosition(string placement, string prefix)
    {
        var result = ManifestLoaderTests.Load(Model(placement));

        Assert.Null(result.Manifest);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith(prefix, problem.ToString(), StringComparison.Ordinal);
    }

    private sealed class RequirementComparer : IEqualityComparer<SelectorRequirement>
    {
        public bool Equals(SelectorRequirement? x, SelectorRequirement? y) =>
            x!.Key == y!.Key && x.Operator == y.Operator && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(SelectorRequirement obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}

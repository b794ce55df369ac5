using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Tests.Manifest;

namespace ModelSync.Daemon.Tests.Placement;

/// <summary><c>placement.onDemand</c>, <c>keepAfterLastUse</c> and <c>store.onDemandCapacity</c> (docs/manifest.md, "On demand").</summary>
public sealed class OnDemandManifestTests
{
    private static string Manifest(string placement, string store = "") => $$"""
        store:
          root: /tmp/x
          capacity: 10Gi
        {{store}}
        models:
          - name: m
            version: "1"
            baseUrl: http://127.0.0.1:65001/m
            files: [{ path: a, size: 0, xxh128: 0123456789abcdef0123456789abcdef }]
            placement: {{placement}}
        """;

    [Fact]
    public void Load_OnDemandWithKeep_Read()
    {
        var result = ManifestLoaderTests.Load(Manifest("{ onDemand: true, keepAfterLastUse: 2h, nodes: [\"gpu-*\"] }"));

        Assert.Empty(result.Problems);
        var p = result.Manifest!.Models[0].Placement!;
        Assert.True(p.OnDemand);
        Assert.Equal(TimeSpan.FromHours(2), p.KeepAfterLastUse);
        Assert.Equal("on demand, nodes gpu-*", p.Rule);
        Assert.Equal(5L << 30, result.Manifest.Store.OnDemandLimit); // half of capacity when not written
    }

    [Fact]
    public void Load_OnDemandAlone_DefaultKeep24h_AndNeedsNoNodeName()
    {
        var result = ManifestLoaderTests.Load(Manifest("{ onDemand: true }", "  onDemandCapacity: 1Gi"));

        Assert.Empty(result.Problems);
        Assert.Equal(TimeSpan.FromHours(24), result.Manifest!.Models[0].Placement!.KeepAfterLastUse);
        Assert.Equal(1L << 30, result.Manifest.Store.OnDemandLimit);
        Assert.Null(ModelSync.Daemon.Hosting.PlacementServiceCollectionExtensions.NodeNameProblem(result.Manifest, node: null));
    }

    [Theory]
    [InlineData("{ onDemand: yes }", "", "t.yaml:10:28: models[0].placement.onDemand: must be true or false, got 'yes'")]
    [InlineData("{ keepAfterLastUse: 1h }", "", "t.yaml:10:36: models[0].placement.keepAfterLastUse: is only for an on-demand model")]
    [InlineData("{ onDemand: true, keepAfterLastUse: 0s }", "", "t.yaml:10:52: models[0].placement.keepAfterLastUse: ")]
    [InlineData("{ onDemand: true }", "  onDemandCapacity: 20Gi", "t.yaml:4:21: store.onDemandCapacity: must be at most store.capacity (10 GiB), got 20 GiB")]
    public void Load_BadOnDemand_OneProblemAtItsPosition(string placement, string store, string prefix)
    {
        var result = ManifestLoaderTests.Load(Manifest(placement, store));

        Assert.Null(result.Manifest);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith(prefix, problem.ToString(), StringComparison.Ordinal);
    }

    private static string Catalog(int models, int size, string store) =>
        $"store:\n  root: /tmp/x\n  capacity: 1Mi\n{store}\nmodels:\n" + string.Concat(Enumerable.Range(0, models).Select(i =>
            $"  - name: lora-{i}\n    version: \"1\"\n    baseUrl: http://127.0.0.1:65001/m\n" +
            $"    files: [{{ path: a, size: {size}, xxh128: 0123456789abcdef0123456789abcdef }}]\n    placement: {{ onDemand: true }}\n"));

    [Fact]
    public void Load_OnDemandCatalogLargerThanCapacity_Accepted_TheyMakeRoomForEachOther()
    {
        var result = ManifestLoaderTests.Load(Catalog(models: 100, size: 100_000, store: "  onDemandCapacity: 512Ki"));

        Assert.Empty(result.Problems);
        Assert.Equal(100, result.Manifest!.Models.Count);
    }

    [Fact]
    public void Load_AnOnDemandModelLargerThanOnDemandCapacity_ProblemNamesIt()
    {
        var result = ManifestLoaderTests.Load(Catalog(models: 2, size: 600_000, store: ""));

        var problem = Assert.Single(result.Problems);
        Assert.Contains("store.onDemandCapacity: the on-demand model 'lora-0' needs 585.94 KiB, more than the 512 KiB on-demand models may use (half of store.capacity)", problem.ToString(), StringComparison.Ordinal);
    }
}

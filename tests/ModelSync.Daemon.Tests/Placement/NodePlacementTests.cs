using System.Text;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Kubernetes;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Tests.Harness;
using ModelSync.Store.Inventory;
using ModelSync.TestKit.Kubernetes;

namespace ModelSync.Daemon.Tests.Placement;

/// <summary>
/// A pass as run mode makes it (placement, the pass, the warm-node labels, the GC) with the real engine against the
/// fault server, and the real client against the API stand-in: what is not for this node is never asked for; a label
/// change moves a model in and out; an API that does not answer removes nothing.
/// </summary>
public sealed class NodePlacementTests(FaultServer server) : IClassFixture<FaultServer>, IAsyncLifetime
{
    private static readonly byte[] Weights = Encoding.ASCII.GetBytes(new string('w', 64 << 10));
    private readonly EngineHarness _engine = new(server);
    private readonly TempDir _dir = new();
    private KubeApiServer _api = null!;

    public async Task InitializeAsync() => _api = await KubeApiServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _engine.Dispose();
        _dir.Dispose();
    }

    private static PlacementSpec ByLabel(string gpu, bool labelNode = false) =>
        new() { Selector = new NodeSelector(new Dictionary<string, string> { ["gpu"] = gpu }, []), LabelNode = labelNode };

    private ModelManifest Manifest(params (string Name, PlacementSpec? Placement)[] models)
    {
        var manifest = _engine.Load([.. models.Select(m => _engine.Serve(m.Name, "1", ("w.bin", Weights, null)))]);
        return manifest with { Models = [.. manifest.Models.Select(m => m with { Placement = models.Single(x => x.Name == m.Name).Placement })] };
    }

    private NodePlacement Placement(string node, bool api = true)
    {
        var path = _api.WriteKubeconfig(_dir.Path);
        var labels = api ? new NodeLabels(new KubernetesNodeApi(node, () => KubernetesClientConfiguration.BuildConfigFromConfigFile(path)), _engine.Time, NullLogger<NodeLabels>.Instance) : null;
        return new NodePlacement(node, labels, new OnDemandBook(_engine.Time), _engine.Time, NullLogger<NodePlacement>.Instance);
    }

    /// <summary>placement, pass, labels, GC: the order of <c>ReconcileLoop</c>.</summary>
    private async Task<ModelManifest> PassAndGcAsync(NodePlacement placement, ModelManifest manifest)
    {
        _engine.Time.Advance(TimeSpan.FromMinutes(1)); // past any cached read, as the next pass would be
        var here = await placement.ForThisNodeAsync(manifest, name => _engine.Store.Layout is { } l && Directory.Exists(l.ModelDir(name)), CancellationToken.None);
        await _engine.PassAsync(here);
        await placement.LabelNodeAsync(here, _engine.Lifecycle, CancellationToken.None);
        new GarbageCollector(_engine.Time, new StoreChanges(), NullLogger<GarbageCollector>.Instance).Collect(_engine.Store.Layout, here, dryRun: false);
        return here;
    }

    private int Fetches(string model) => _engine.Requests.Count(r => r.Path.Contains($"/{model}/", StringComparison.Ordinal));

    [Fact]
    public async Task Pass_ModelNotForThisNode_NoRequestNoByteNoApiCall()
    {
        var manifest = Manifest(("llm", new PlacementSpec { Nodes = ["gpu-*"] }), ("small", null));
        var placement = Placement("cpu-1");

        await PassAndGcAsync(placement, manifest);

        Assert.Equal(0, Fetches("llm"));
        Assert.False(Directory.Exists(_engine.Store.Layout.ModelDir("llm")));
        Assert.Equal(ModelState.Ready, _engine.Lifecycle.Find("small")!.State);
        Assert.Null(_engine.Lifecycle.Find("llm"));
        Assert.Empty(_api.Requests); // names alone: the API is never asked
        Assert.Equal(["not for this node (nodes gpu-*)", "every node"], placement.View!.Models.Select(m => m.Why));
    }

    [Fact]
    public async Task Pass_LabelChange_ModelInThenOutWithItsWarmLabel()
    {
        _api.SetNode("n1", new Dictionary<string, string> { ["gpu"] = "a100" });
        var manifest = Manifest(("llm", ByLabel("a100", labelNode: true)), ("small", null));
        var placement = Placement("n1");

        await PassAndGcAsync(placement, manifest);

        Assert.Equal(ModelState.Ready, _engine.Lifecycle.Find("llm")!.State);
        Assert.Equal("ready", _api.Labels("n1")["modelsync.io/llm"]);
        Assert.Single(_api.Requests, r => r.Method == "PATCH");
        Assert.Equal("label gpu=a100", placement.View!.Models[0].Why);

        // Same labels, another pass: nothing to patch.
        await PassAndGcAsync(placement, manifest);
        Assert.Single(_api.Requests, r => r.Method == "PATCH");

        _api.SetNode("n1", new Dictionary<string, string> { ["gpu"] = "t4", ["modelsync.io/llm"] = "ready" });
        Assert.True(placement.Changes(manifest, await new NodeLabels(new KubernetesNodeApi("n1", () => KubernetesClientConfiguration.BuildConfigFromConfigFile(_api.WriteKubeconfig(_dir.Path))), _engine.Time, NullLogger<NodeLabels>.Instance).ReadAsync(TimeSpan.Zero, CancellationToken.None)));
        var fetched = Fetches("llm");
        await PassAndGcAsync(placement, manifest);

        Assert.False(Directory.Exists(_engine.Store.Layout.ModelDir("llm")));
        Assert.Null(_engine.Lifecycle.Find("llm"));
        Assert.False(_api.Labels("n1").ContainsKey("modelsync.io/llm"));
        Assert.Equal(2, _api.Requests.Count(r => r.Method == "PATCH"));
        Assert.Equal(fetched, Fetches("llm"));
        Assert.Equal("not for this node (label gpu=a100)", placement.View!.Models[0].Why);
        Assert.True(Directory.Exists(_engine.Store.Layout.ModelDir("small")));
    }

    [Fact]
    public async Task Pass_ApiDown_ModelKeptNothingFetched()
    {
        _api.SetNode("n1", new Dictionary<string, string> { ["gpu"] = "a100" });
        var placement = Placement("n1");
        await PassAndGcAsync(placement, Manifest(("llm", ByLabel("a100"))));
        Assert.Equal(ModelState.Ready, _engine.Lifecycle.Find("llm")!.State);

        await _api.DisposeAsync();
        var manifest = Manifest(("llm", ByLabel("a100")), ("llm2", ByLabel("a100")));
        var before = Fetches("llm2");
        await PassAndGcAsync(placement, manifest);

        Assert.Equal(ModelState.Ready, _engine.Lifecycle.Find("llm")!.State);
        Assert.True(Directory.Exists(_engine.Store.Layout.CurrentLink("llm")) || File.Exists(_engine.Store.Layout.CurrentLink("llm")));
        Assert.Equal(before, Fetches("llm2"));
        Assert.False(Directory.Exists(_engine.Store.Layout.ModelDir("llm2")));
        var view = placement.View!;
        Assert.EndsWith("kept as it is on this node", view.Models[0].Why, StringComparison.Ordinal);
        Assert.EndsWith("not fetched", view.Models[1].Why, StringComparison.Ordinal);
        Assert.Contains("does not answer", view.LabelsError, StringComparison.Ordinal);
        _api = await KubeApiServer.StartAsync();
    }
}

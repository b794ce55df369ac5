using ModelSync.Daemon.Http;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Placement;

/// <summary>The page and <c>status</c> say per model why it is on this node or not.</summary>
public sealed class PlacementStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly PlacementView View = new("cpu-1", Now,
        [new PlacedModel("llm", false, "not for this node (label gpu=a100)"), new PlacedModel("minilm", true, "every node")], Now, null, null);

    [Fact]
    public void Render_Placement_WhyUnderEachModelAndNotHereState()
    {
        var doc = new StatusDocument
        {
            Node = "cpu-1",
            GeneratedAt = Now,
            Phase = "Idle",
            Ready = true,
            Healthy = true,
            Inventory = new StoreInventory { Models = [new ModelEntry { Name = "minilm", Version = "v1", State = ModelState.Ready }] },
            Rates = new Dictionary<string, double>(),
            Reconcile = new ReconcileSection(false, 1, Now, Now, 1, 0, true, null, Now, TimeSpan.FromMinutes(5)),
            Manifest = new ManifestSection("/m.yaml", Now, [new ManifestModel("llm", "1", 40L << 30, 3), new ManifestModel("minilm", "v1", 100, 1)], null, [], []),
            Store = new StoreSection("/s", 0, null, 0, 1 << 30, 1 << 30, 1),
            Placement = View,
        };

        var html = StatusPageBody.Render(doc);

        var llm = html[html.IndexOf("<tr data-model=\"llm\"", StringComparison.Ordinal)..];
        Assert.StartsWith("<tr data-model=\"llm\" data-state=\"NotHere\"", llm, StringComparison.Ordinal);
        Assert.Contains("<div class=\"muted placement\">not for this node (label gpu=a100)</div>", llm[..llm.IndexOf("</tr>", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains("<div class=\"muted placement\">every node</div>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_StatusVerb_OneLinePerModel()
    {
        Assert.Equal(
            "placement on node cpu-1; labels read 2026-12-01 12:00:00Z\n  llm     not here: not for this node (label gpu=a100)\n  minilm  on this node: every node\n",
            View.Text());
    }
}

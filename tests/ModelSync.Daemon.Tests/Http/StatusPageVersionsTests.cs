using System.Text;
using ModelSync.Daemon.Http;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Http;

/// <summary>The page's "Versions and pins" card: what pods hold, first, and what is kept for a rollback.</summary>
public sealed class StatusPageVersionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Render(params VersionSection[] versions)
    {
        var document = new StatusDocument
        {
            Node = "node-a",
            GeneratedAt = Now,
            Phase = "Idle",
            Ready = true,
            Healthy = true,
            Inventory = new StoreInventory(),
            Rates = new Dictionary<string, double>(),
            Reconcile = new ReconcileSection(false, 1, Now, Now, 0, 0, true, null, Now, TimeSpan.FromMinutes(5)),
            Manifest = new ManifestSection("/m.yaml", Now, [], null, [], []),
            Store = new StoreSection("/s", 0, null, 0, 1, 1, 1),
            Versions = versions,
        };
        var html = new StringBuilder();
        StatusPageVersions.Render(html, document);
        return html.ToString();
    }

    [Fact]
    public void Render_PinnedFirst_PreviousWithLastUse_PlainCurrentLeftToTheModelsTable()
    {
        var html = Render(
            new VersionSection("bert", "v2", Current: true, Pinned: false, Now, Now),
            new VersionSection("bert", "v1", Current: false, Pinned: false, Now.AddDays(-2), Now.AddHours(-3)),
            new VersionSection("llm", "v7", Current: false, Pinned: true, Now.AddDays(-9), Now));

        Assert.Contains("3 version(s) on disk · 1 pinned by pods", html, StringComparison.Ordinal);
        var pinned = html.IndexOf("<code>llm v7</code> <span class=\"badge ok\">pinned</span> previous", StringComparison.Ordinal);
        var previous = html.IndexOf("<code>bert v1</code>  previous · last used 2026-12-01T09:00:00Z", StringComparison.Ordinal);
        Assert.True(pinned >= 0 && previous > pinned, html);
        Assert.DoesNotContain("bert v2", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ModelNameWithMarkup_IsEncoded() =>
        Assert.Contains("&lt;b&gt; v1", Render(new VersionSection("<b>", "v1", false, true, null, null)), StringComparison.Ordinal);
}

using ModelSync.Daemon.Http;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Http;

/// <summary>The status page says what the failure policy holds a failed model to, as <c>status</c> does.</summary>
public sealed class StatusPageBodyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static StatusDocument Document(params ModelEntry[] models) => new()
    {
        Node = "node-a",
        GeneratedAt = Now,
        Phase = "Idle",
        Ready = false,
        Healthy = true,
        Inventory = new StoreInventory { Models = models },
        Rates = new Dictionary<string, double>(),
        Reconcile = new ReconcileSection(false, 3, Now, Now, 0, models.Length, false, null, Now.AddMinutes(5), TimeSpan.FromMinutes(5)),
        Manifest = new ManifestSection("/etc/modelsync/models.yaml", Now, [.. models.Select(m => new ManifestModel(m.Name, m.Version, 100, 1))], null, [], []),
        Store = new StoreSection("/s", 0, null, 0, 1 << 30, 1 << 30, 1),
    };

    private static ModelEntry Failed(string name, FailureRecord failure) => new()
    {
        Name = name,
        Version = "v1",
        State = ModelState.Failed,
        Error = new ModelError { Reason = "ChecksumMismatch", Message = "w.bin from http://127.0.0.1/w.bin: sha256 mismatch", File = "w.bin", Attempts = 2 },
        Failure = failure,
    };

    private static string Row(string html, string model)
    {
        var start = html.IndexOf($"<tr data-model=\"{model}\"", StringComparison.Ordinal);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void Render_ParkedModel_SaysParkedAndWhatLiftsIt()
    {
        var parked = Failed("finbert", new FailureRecord
        {
            Passes = 1, BytesSpent = 2 << 20, Spec = "fp",
            Parked = new ParkedOn("ChecksumMismatch", Now.AddHours(-1), "w.bin", "etag=\"abc\" last-modified=- length=100"),
        });

        var row = Row(StatusPageBody.Render(Document(parked)), "finbert");

        Assert.Contains("data-parked=\"true\"", row, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge parked\"", row, StringComparison.Ordinal);
        Assert.Contains("parked since 2026-12-01T11:00:00Z until its source, its manifest entry or a retry changes; 2 MiB spent on failed passes", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_BackedOffModel_SaysTheBackoffAndIsNotParked()
    {
        var backingOff = Failed("flaky", new FailureRecord { Passes = 2, BytesSpent = 0, Spec = "fp", NotBefore = Now.AddMinutes(10) });

        var row = Row(StatusPageBody.Render(Document(backingOff)), "flaky");

        Assert.DoesNotContain("parked", row, StringComparison.Ordinal);
        Assert.Contains("failed 2 passes in a row, backing off until 2026-12-01T12:10:00Z", row, StringComparison.Ordinal);
    }
    private static ModelEntry Entry(string name, ModelState state) => new() { Name = name, Version = "v1", State = state };

    [Fact]
    public void Render_ManyModels_SummaryFirst_FailedThenDownloadingThenPendingThenReady_EachByName()
    {
        var html = StatusPageBody.Render(Document(
            Entry("a-ready", ModelState.Ready),
            Entry("b-pending", ModelState.Pending),
            Entry("c-failed", ModelState.Failed),
            Entry("d-downloading", ModelState.Downloading),
            Entry("e-failed", ModelState.Failed),
            Entry("f-ready", ModelState.Ready)));

        var summary = html.IndexOf("<div id=\"summary\">6 models: 2 Failed, 1 Downloading, 1 Pending, 2 Ready</div>", StringComparison.Ordinal);
        var order = new[] { "c-failed", "e-failed", "d-downloading", "b-pending", "a-ready", "f-ready" }
            .Select(m => html.IndexOf($"<tr data-model=\"{m}\"", StringComparison.Ordinal)).ToList();
        Assert.True(summary >= 0, "the summary line heads the table");
        Assert.True(summary < html.IndexOf("<table>", StringComparison.Ordinal));
        Assert.Equal(order.Order().ToList(), order);
        Assert.DoesNotContain(-1, order);
    }
}

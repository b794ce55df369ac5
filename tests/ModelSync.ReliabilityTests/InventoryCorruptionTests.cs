using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>A damaged <c>inventory.json</c> (a bad disk, a person's editor) is rebuilt from the markers:
/// nothing is downloaded again and every reader gets a good inventory back.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class InventoryCorruptionTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly PublishedModel _model;

    public InventoryCorruptionTests(FaultServer server, ITestOutputHelper output)
    {
        _output = output;
        _model = new PublishedModel(server, _store, output);
    }

    public void Dispose() => _store.Dispose();

    public static TheoryData<string> Damage => ["garbage", "truncated", "empty", "other-schema"];

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task Sync_CorruptInventory_RebuiltFromMarkersWithoutDownloading(string damage)
    {
        var manifest = await _model.SyncAsync("v1");
        var good = File.ReadAllText(_store.Layout.InventoryPath);
        var generation = _store.ReadInventory().Generation;
        File.WriteAllText(_store.Layout.InventoryPath, damage switch
        {
            "garbage" => "\u0000\u00ffnot json at all",
            "truncated" => good[..(good.Length / 2)],
            "empty" => "",
            _ => good.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 99", StringComparison.Ordinal),
        });
        // Readers refuse it rather than guess: the gate says the store is unreadable (exit 3).
        Assert.Equal(3, GateCheck.CheckFull(_output, _store.Root, ["m"]).ExitCode);
        var requests = _model.Requests;

        var result = await DaemonRunner.SyncAsync(manifest, _output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rebuilt", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(requests, _model.Requests);
        _model.AssertReady("v1");
        Assert.True(_store.ReadInventory().Generation > generation, "a rebuilt inventory must not go back in generation");
        Assert.Equal(0, GateCheck.CheckFull(_output, _store.Root, ["m@v1"]).ExitCode);
    }
}

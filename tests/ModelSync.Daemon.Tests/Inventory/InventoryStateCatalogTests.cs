using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Tests.Harness;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Inventory;

/// <summary>
/// A pass that changes nothing writes no inventory (issue 33): at 1,000 models the file is 1.8 MB, rewritten and
/// fsynced by every no-op `sync` before. Asserted on the file's bytes (each write stamps a new generation and time).
/// </summary>
public sealed class InventoryStateCatalogTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    private const int Models = 5;
    private readonly EngineHarness _engine = new(server);

    public void Dispose() => _engine.Dispose();

    private ModelManifest Catalog() => _engine.Load(
        [.. Enumerable.Range(0, Models).Select(i => _engine.Serve($"m{i}", "1", ("w.bin", Encoding.ASCII.GetBytes($"content of m{i}"), null)))]);

    private byte[] InventoryBytes() => File.ReadAllBytes(_engine.Store.Layout.InventoryPath);

    [Fact]
    public async Task Stop_NoOpSyncAfterACleanStop_LeavesTheFileAsItWas()
    {
        var manifest = Catalog();
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Stop();
        var before = InventoryBytes();
        _engine.Restart();
        _engine.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Stop();

        Assert.Equal(before, InventoryBytes());
    }

    [Fact]
    public async Task Flush_NoOpPassInRunMode_WritesNothing()
    {
        var manifest = Catalog();
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Flush();
        var before = InventoryBytes();
        _engine.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Flush();

        Assert.Equal(before, InventoryBytes());
    }

    [Fact]
    public async Task Stop_SyncOverAFileItsWriterNeverStopped_MarksTheStop()
    {
        var manifest = Catalog();
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Flush(); // written, never stopped: as a killed daemon leaves it
        Assert.Null(_engine.Store.ReadInventory().Writer!.StoppedAt);
        _engine.Restart();

        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Stop();

        Assert.NotNull(_engine.Store.ReadInventory().Writer!.StoppedAt);
    }

    [Fact]
    public async Task Set_ModelsAddedOutOfOrder_WrittenInNameOrder()
    {
        ManifestModel Model(string name) => _engine.Serve(name, "1", ("w.bin", Encoding.ASCII.GetBytes(name), null));
        Assert.Equal(3, (await _engine.PassAsync(_engine.Load(Model("c"), Model("a"), Model("b")))).Ready);
        _engine.Lifecycle.Stop();

        Assert.Equal(["a", "b", "c"], _engine.Store.ReadInventory().Models.Select(m => m.Name));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(2, 100)]
    [InlineData(30, 600)]
    [InlineData(500, 2000)]
    public void BatchDelay_CostlierWrites_LongerBatchesUpToTheProgressInterval(int writeMs, int batchMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(batchMs), Daemon.Inventory.InventoryState.BatchDelay(TimeSpan.FromMilliseconds(writeMs)));
    [Fact]
    public async Task ProgressAndHeartbeat_WhileDownloading_GoToTheLiveFile_InventoryUntouched()
    {
        var manifest = Catalog();
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Planned("m0", "2", null, 1000, null);
        Assert.True(_engine.Lifecycle.Downloading("m0", "2", new ModelProgress(0, 1000)));
        _engine.Lifecycle.Flush();
        var before = InventoryBytes();
        var written = InventoryFile.Parse(before, "inventory").Inventory!;

        for (var done = 100; done <= 600; done += 100)
        {
            _engine.Time.Advance(TimeSpan.FromSeconds(1));
            _engine.Lifecycle.Progress("m0", new ModelProgress(done, 1000));
        }

        using (_engine.Lifecycle.StartHeartbeat())
        {
            _engine.Time.Advance(InventoryState.HeartbeatInterval);
        }

        Assert.Equal(before, InventoryBytes());
        var read = InventoryFile.Read(_engine.Store.Layout).Inventory!;
        Assert.InRange(read.Find("m0")!.Progress!.BytesDone, 500, 600); // the last live write, at most 2 s behind
        Assert.Equal(_engine.Time.GetUtcNow(), read.Writer!.HeartbeatAt);
        Assert.True(read.Writer.HeartbeatAt > written.Writer!.HeartbeatAt);
    }
    [Fact]
    public async Task Heartbeat_RestartOverACleanlyStoppedFile_FirstBeatNamesThisWriterInTheInventory()
    {
        var manifest = Catalog();
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        _engine.Lifecycle.Stop();
        _engine.Restart();
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready); // a no-op pass writes nothing
        Assert.NotNull(InventoryFile.Read(_engine.Store.Layout).Inventory!.Writer!.StoppedAt);

        using (_engine.Lifecycle.StartHeartbeat())
        {
            _engine.Time.Advance(InventoryState.HeartbeatInterval);
        }

        var writer = InventoryFile.Read(_engine.Store.Layout).Inventory!.Writer!;
        Assert.Null(writer.StoppedAt);
        Assert.Equal(_engine.Time.GetUtcNow(), writer.HeartbeatAt);
    }
}

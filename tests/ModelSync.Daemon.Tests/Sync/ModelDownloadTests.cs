using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Tests.Harness;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Sync;

/// <summary><c>ModelDownload</c> through the engine harness: plan (what is here), room (the capacity guard),
/// fetch (resumed, never twice), publish.</summary>
public sealed class ModelDownloadTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    private static readonly byte[] Weights = Encoding.ASCII.GetBytes(new string('w', 3 << 20));
    private static readonly byte[] Config = Encoding.ASCII.GetBytes("{\"a\":1}");
    private readonly EngineHarness _engine = new(server);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task RunAsync_NoRoomForTheModel_InsufficientCapacityBeforeAnyRequest()
    {
        // The store's own bytes count: 3 MiB waiting in its trash leave 1 MiB of a 4 MiB capacity.
        _engine.Store.Capacity = "4Mi";
        Directory.CreateDirectory(_engine.Store.Layout.TrashDir);
        File.WriteAllBytes(Path.Combine(_engine.Store.Layout.TrashDir, "old.bin"), Weights);
        var manifest = _engine.Load(_engine.Serve("m", "1", ("w.bin", Weights, null)));

        var result = await _engine.PassAsync(manifest);

        Assert.Equal(1, result.Failed);
        Assert.Equal("InsufficientCapacity", _engine.Lifecycle.Find("m")!.Error!.Reason);
        Assert.Empty(_engine.Requests);
        Assert.False(Directory.Exists(_engine.Store.Layout.StagingDir("m", "1")) && Directory.EnumerateFiles(_engine.Store.Layout.StagingDir("m", "1")).Any());
    }

    [Fact]
    public async Task RunAsync_ConnectionResetMidFile_TheRetryAsksOnlyForTheRest()
    {
        var manifest = _engine.Load(_engine.Serve("m", "1", ("w.bin", Weights, async r =>
        {
            if (r.Attempt == 0)
            {
                await r.ServeAsync(Weights, etag: "\"w\"", sendBytes: 1 << 20);
                await r.AbortAfterAsync(TimeSpan.FromMilliseconds(200));
                return;
            }

            await r.ServeAsync(Weights, etag: "\"w\"");
        })));

        var result = await _engine.PassAsync(manifest);

        Assert.Equal(1, result.Ready);
        var requests = _engine.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].RangeStart is > 0 and <= 1 << 20, string.Join(", ", requests));
        Assert.Equal(Weights.Length, requests.Sum(r => r.BytesSent));
        _engine.Store.AssertPublished(_engine.Serve("m", "1", ("w.bin", Weights, null)), (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(Weights));
    }

    [Fact]
    public async Task RunAsync_VersionBumpOfTheConfig_WeightsHardLinkedFromTheOldVersion()
    {
        await _engine.PassAsync(_engine.Load(_engine.Serve("m", "1", ("w.bin", Weights, null), ("config.json", Config, null))));
        var before = _engine.Requests.Count;

        var result = await _engine.PassAsync(_engine.Load(_engine.Serve("m", "2", ("w.bin", Weights, null), ("config.json", "{\"a\":2}"u8.ToArray(), null))));

        Assert.Equal(1, result.Ready);
        Assert.Equal([$"{_engine.Scope}/m/2/config.json"], _engine.Requests.Skip(before).Select(r => r.Path));
        var v1 = new FileInfo(Path.Combine(_engine.Store.VersionDir("m", "1"), "w.bin"));
        var v2 = new FileInfo(Path.Combine(_engine.Store.VersionDir("m", "2"), "w.bin"));
        Assert.Equal(ModelSync.Store.IO.FileIdentity.Of(v1.FullName)!.Value.Inode, ModelSync.Store.IO.FileIdentity.Of(v2.FullName)!.Value.Inode);
        Assert.Equal(ModelState.Ready, _engine.Lifecycle.Find("m")!.State);
    }
}

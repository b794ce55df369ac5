using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Tests.Harness;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Lifecycle;

/// <summary><c>Condemner</c> on a store the engine built: damaged content condemns every version that holds it,
/// through the lifecycle, and the next pass repairs only what was damaged.</summary>
public sealed class CondemnerTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    private static readonly byte[] Weights = Encoding.ASCII.GetBytes(new string('w', 1 << 20));
    private readonly EngineHarness _engine = new(server);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Condemn_DamageSharedByTwoVersions_BothCondemnedEntryCorruptedThenOnlyThatFileFetched()
    {
        _engine.Store.KeepVersions = 1;
        await _engine.PassAsync(_engine.Load(_engine.Serve("m", "1", ("w.bin", Weights, null), ("config.json", "{}"u8.ToArray(), null))));
        var manifest = _engine.Load(_engine.Serve("m", "2", ("w.bin", Weights, null), ("config.json", "{\"b\":2}"u8.ToArray(), null)));
        await _engine.PassAsync(manifest);
        var entry = _engine.Lifecycle.Find("m")!;
        var weights = Path.Combine(_engine.Store.VersionDir("m", "2"), "w.bin");
        File.SetUnixFileMode(weights, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(weights, new byte[Weights.Length]); // the inode v1 shares: both are damaged

        var condemned = Condemner.Condemn(_engine.Store.Layout, _engine.Lifecycle, "m", "2", entry.ReadyAt, [new Damage("w.bin", "digest mismatch")], _engine.Time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(["m@2", "m@1"], condemned);
        Assert.Equal((ModelState.Failed, ModelEntries.CorruptedReason), (_engine.Lifecycle.Find("m")!.State, _engine.Lifecycle.Find("m")!.Error!.Reason));
        Assert.Null(_engine.Lifecycle.Find("m")!.Previous); // v1 is offered no more
        var before = _engine.Requests.Count;

        var result = await _engine.PassAsync(manifest);

        Assert.Equal(1, result.Ready);
        Assert.Equal([$"{_engine.Scope}/m/2/w.bin"], _engine.Requests.Skip(before).Select(r => r.Path));
        Assert.Equal(Weights, File.ReadAllBytes(weights));
    }

    [Fact]
    public async Task Condemn_AnotherPublicationOfThatVersion_NothingCondemned()
    {
        await _engine.PassAsync(_engine.Load(_engine.Serve("m", "1", ("w.bin", Weights, null))));
        var entry = _engine.Lifecycle.Find("m")!;

        var condemned = Condemner.Condemn(_engine.Store.Layout, _engine.Lifecycle, "m", "1", entry.ReadyAt!.Value.AddSeconds(-1), [new Damage("w.bin", "old check")], _engine.Time.GetUtcNow(), CancellationToken.None);

        Assert.Empty(condemned);
        Assert.Equal(ModelState.Ready, _engine.Lifecycle.Find("m")!.State);
    }
}

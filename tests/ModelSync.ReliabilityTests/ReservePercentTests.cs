using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// <c>store.reserve</c> as a share of the filesystem, on a real 32 MiB tmpfs: the default (15 %, above kubelet's
/// 10 % <c>nodefs.available</c> eviction threshold) lets a model in that leaves more than that free and refuses
/// one that would not, before a byte is fetched, naming the reserve; an explicit percentage works the same way.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class ReservePercentTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly FaultServer _server;
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new() { MaxAttempts = 3, StallTimeout = "30s" };
    private readonly string _scope;
    private readonly Tmpfs? _tmpfs;

    public ReservePercentTests(FaultServer server, ITestOutputHelper output)
    {
        (_server, _output, _scope) = (server, output, server.NewScope());
        if (Tmpfs.Unavailable is null)
        {
            _tmpfs = Tmpfs.Mount(_store.Root, "32m");
        }
    }

    public void Dispose()
    {
        _tmpfs?.Dispose();
        _store.Dispose();
    }

    private ManifestModel Model(string name, int mib)
    {
        var content = new byte[mib * MiB];
        Random.Shared.NextBytes(content);
        _server.Route($"{_scope}/{name}/w.bin", r => r.ServeAsync(content));
        return new ManifestModel(name, "1", $"{_server.Origin}{_scope}/{name}/", [ManifestFile.Of("w.bin", content)]);
    }

    [TmpfsFact]
    public async Task Sync_DefaultReserve_KeepsFifteenPercentOfTheFilesystemFree()
    {
        var big = Model("big", 24);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_store.WriteManifest(big), _output)).ExitCode);

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(big, Model("small", 4)), _output);

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("small");
        Assert.Equal("InsufficientCapacity", entry.Error!.Reason);
        Assert.Contains("(store.reserve 15% of 32 MiB) must stay free", entry.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests(_scope), r => r.Path.Contains("/small/", StringComparison.Ordinal));
        Assert.Equal("Ready", _store.Entry("big").State.ToString());
    }

    [TmpfsFact]
    public async Task Sync_ReserveHalfTheFilesystem_RefusesWhatWouldEatIntoIt()
    {
        _store.Reserve = "50%";

        // 8 + 10 MiB of 32 would leave 14 MiB, under the 16 MiB reserve: whichever is checked second is refused.
        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(Model("a", 8), Model("b", 10)), _output);

        Assert.Equal(1, result.ExitCode);
        var entries = new[] { _store.Entry("a"), _store.Entry("b") };
        Assert.Single(entries, e => e.State.ToString() == "Ready");
        var refused = Assert.Single(entries, e => e.State.ToString() == "Failed");
        Assert.Equal("InsufficientCapacity", refused.Error!.Reason);
        Assert.Contains("(store.reserve 50% of 32 MiB) must stay free", refused.Error.Message, StringComparison.Ordinal);
    }
}

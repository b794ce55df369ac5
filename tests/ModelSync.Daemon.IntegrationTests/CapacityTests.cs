using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary><c>store.capacity</c> is checked before a byte is fetched.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class CapacityTests(FaultServer server, ITestOutputHelper output) : IDisposable
{
    private readonly TestStore _store = new();
    private readonly string _scope = server.NewScope();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Sync_ModelLargerThanCapacity_FailsInsufficientCapacityWithoutDownloading()
    {
        var content = RandomNumberGenerator.GetBytes(2 << 20);
        server.Route($"{_scope}/v1/f.bin", r => r.ServeAsync(content));
        var model = new ManifestModel("m", "v1", $"{server.Origin}{_scope}/v1/", [ManifestFile.Of("f.bin", content)]);
        _store.Capacity = "1Mi";

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(model), output);

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("InsufficientCapacity", entry.Error?.Reason);
        Assert.Contains("InsufficientCapacity", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests(_scope));
        Assert.False(Directory.Exists(_store.VersionDir("m", "v1")));
        Assert.Equal(0L, CapacityUsed(_store.Layout.StagingRoot));
    }

    private static long CapacityUsed(string dir) => Directory.Exists(dir)
        ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;
}

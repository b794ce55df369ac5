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
    public async Task Sync_ModelLargerThanCapacity_RefusedAtLoadWithoutDownloading()
    {
        var content = RandomNumberGenerator.GetBytes(2 << 20);
        server.Route($"{_scope}/v1/f.bin", r => r.ServeAsync(content));
        var model = new ManifestModel("m", "v1", $"{server.Origin}{_scope}/v1/", [ManifestFile.Of("f.bin", content)]);
        _store.Capacity = "1Mi";

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(model), output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("store.capacity: the models need 2 MiB in all", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests(_scope));
        Assert.False(Directory.Exists(_store.VersionDir("m", "v1")));
    }

    [Fact]
    public async Task Sync_NewVersionDoesNotFitBesideTheCurrentOne_FailsInsufficientCapacityKeepingCurrent()
    {
        var v1 = RandomNumberGenerator.GetBytes(2 << 20);
        var v2 = RandomNumberGenerator.GetBytes(2 << 20);
        server.Route($"{_scope}/v1/f.bin", r => r.ServeAsync(v1));
        server.Route($"{_scope}/v2/f.bin", r => r.ServeAsync(v2));
        _store.Capacity = "3Mi";
        _store.Reserve = "0";
        var first = new ManifestModel("m", "v1", $"{server.Origin}{_scope}/v1/", [ManifestFile.Of("f.bin", v1)]);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_store.WriteManifest(first), output)).ExitCode);

        // v1 stays current until v2 is published, so both would have to fit at once: 4 MiB in 3 MiB.
        var second = first with { Version = "v2", BaseUrl = $"{server.Origin}{_scope}/v2/", Files = [ManifestFile.Of("f.bin", v2)] };
        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(second), output);

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("InsufficientCapacity", entry.Error?.Reason);
        Assert.Equal("v1", entry.Previous?.Version);
        Assert.Empty(server.Requests($"{_scope}/v2"));
        Assert.False(Directory.Exists(_store.VersionDir("m", "v2")));
        Assert.Equal(0L, CapacityUsed(_store.Layout.StagingRoot));
        Assert.Equal("../models/m/v1", _store.CurrentTarget("m"));
        Assert.Equal(v1, File.ReadAllBytes(Path.Combine(_store.VersionDir("m", "v1"), "f.bin")));
    }

    private static long CapacityUsed(string dir) => Directory.Exists(dir)
        ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;
}

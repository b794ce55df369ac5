using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Hub;

/// <summary>sync.hfFallback with the hub-cache down, and gated repositories through it.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class HubCacheFallbackTests(FaultServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly HubCacheFleet _fleet = new(server, output);

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public Task DisposeAsync() => _fleet.DisposeAsync().AsTask();

    /// <summary>A cache that is down: nothing listens on its port.</summary>
    private static string DownCache => $"http://127.0.0.1:{Ports.Free()}/";

    [Fact]
    public async Task Sync_CacheDownFallbackToOrigin_ResolvesAndFetchesFromTheHubAndIsReady()
    {
        var commit = _fleet.Hub.Commit("main", HubCacheFleet.Files());
        var store = _fleet.NewStore();
        var down = DownCache;

        var result = await DaemonRunner.SyncAsync(_fleet.Manifest(store, $"  hfEndpoint: {down}\n  hfFallback: {_fleet.Hub.Endpoint}", httpModel: false), output);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal((ModelState.Ready, commit), (store.Entry("fleet").State, store.Entry("fleet").Version));
        Assert.Contains($"hub endpoint {down} does not answer", result.Output, StringComparison.Ordinal);
        Assert.Contains("resolving from the fallback", result.Output, StringComparison.Ordinal);
        Assert.Contains(_fleet.Origin, r => r.Path == _fleet.Hub.ResolvePath(commit, "model.safetensors") && r.Status == 302);
    }

    [Fact]
    public async Task Sync_CacheDownFallbackFail_FailsNamingTheCacheAndAsksNoOrigin()
    {
        _fleet.Hub.Commit("main", HubCacheFleet.Files());
        var store = _fleet.NewStore();
        var down = DownCache;

        var result = await DaemonRunner.SyncAsync(_fleet.Manifest(store, $"  hfEndpoint: {down}\n  hfFallback: fail", httpModel: false), output);

        Assert.NotEqual(0, result.ExitCode);
        var entry = store.Entry("fleet");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("SourceUnreachable", entry.Error?.Reason);
        Assert.Contains($"hub endpoint {down} does not answer and sync.hfFallback is fail", entry.Error?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_fleet.Origin, r => !r.Path.EndsWith(HubCacheFleet.HttpPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_GatedRepoThroughTheCache_TokenHolderReadyOthersRefusedByTheHubItself()
    {
        _fleet.Hub.GatedToken = "hf_gated";
        var commit = _fleet.Hub.Commit("main", HubCacheFleet.Files());
        var holder = _fleet.NewStore();
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_fleet.Manifest(holder, _fleet.ThroughCache, token: "hf_gated", httpModel: false), output)).ExitCode);
        Assert.Equal(ModelState.Ready, holder.Entry("fleet").State);
        var before = _fleet.Origin.Count;

        var anonymous = _fleet.NewStore();
        var stranger = _fleet.NewStore();
        var results = await _fleet.SyncAllAsync([
            _fleet.Manifest(anonymous, _fleet.ThroughCache, httpModel: false),
            _fleet.Manifest(stranger, _fleet.ThroughCache, token: "hf_someone_else", httpModel: false)]);

        Assert.All(results, r => Assert.NotEqual(0, r.ExitCode));
        Assert.Equal("Unauthorized", anonymous.Entry("fleet").Error?.Reason);
        Assert.Equal("Unauthorized", stranger.Entry("fleet").Error?.Reason);
        Assert.False(Directory.Exists(anonymous.VersionDir("fleet", commit)));
        // Each caller's question went to the hub with its own credential, none was answered from the cache.
        var asked = _fleet.Origin.Skip(before).Where(r => r.Path == _fleet.Hub.RevisionPath("main")).ToList();
        Assert.Contains(asked, r => r.Authorization is null && r.Status == 401);
        Assert.Contains(asked, r => r.Authorization == "Bearer hf_someone_else" && r.Status == 401);
        Assert.All(_fleet.Origin.Where(r => r.Host.StartsWith(FaultServer.SecondHost, StringComparison.Ordinal)), r => Assert.Null(r.Authorization));
    }
}

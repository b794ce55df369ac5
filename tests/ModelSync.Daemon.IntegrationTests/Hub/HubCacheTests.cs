using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Hub;

/// <summary>
/// N nodes through one hub-cache (real nginx, the config scripts/hub-cache.sh renders): the origin serves each
/// file once and the hub's API a bounded number of requests, whatever N; the cache is never trusted.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class HubCacheTests(FaultServer server, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Nodes in CI; MODELSYNC_FLEET_NODES for more.</summary>
    private static readonly int Nodes = int.TryParse(Environment.GetEnvironmentVariable("MODELSYNC_FLEET_NODES"), out var n) && n > 0 ? n : 3;

    private readonly HubCacheFleet _fleet = new(server, output);

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public Task DisposeAsync() => _fleet.DisposeAsync().AsTask();

    [Fact]
    public async Task Sync_NodesThroughTheCache_OriginServesEachFileOnceAndEveryNodeIsReady()
    {
        var files = HubCacheFleet.Files();
        var commit = _fleet.Hub.Commit("main", files);
        var stores = Enumerable.Range(0, Nodes).Select(_ => _fleet.NewStore()).ToList();

        var results = await _fleet.SyncAllAsync(stores.Select(s => _fleet.Manifest(s, _fleet.ThroughCache)));

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        foreach (var store in stores)
        {
            Assert.Equal((ModelState.Ready, commit), (store.Entry("fleet").State, store.Entry("fleet").Version));
            Assert.Equal(ModelState.Ready, store.Entry("weights").State);
            Assert.All(files, f => Assert.Equal(f.Content, File.ReadAllBytes(Path.Combine(store.VersionDir("fleet", commit), f.Path))));
            Assert.Equal(_fleet.HttpContent, File.ReadAllBytes(Path.Combine(store.VersionDir("weights", "v1"), "weights.bin")));
        }

        var origin = _fleet.Origin;
        foreach (var f in files)
        {
            var path = f.Lfs ? $"{_fleet.Scope}/cdn/{f.Sha256}" : _fleet.Hub.ResolvePath(commit, f.Path);
            AssertServedOnce(origin.Where(r => r.Path == path).ToList(), f.Content.Length, f.Path);
        }

        AssertServedOnce(origin.Where(r => r.Path.EndsWith(HubCacheFleet.HttpPath, StringComparison.Ordinal)).ToList(), _fleet.HttpContent.Length, "weights.bin");
        var modelBytes = files.Sum(f => (long)f.Content.Length) + _fleet.HttpContent.Length;
        Assert.True(origin.Sum(r => r.BytesSent) <= modelBytes * 1.05, $"origin sent {origin.Sum(r => r.BytesSent)} bytes for {modelBytes}");
        // The hub's API, whatever N: one revision, each tree page once, each file resolved once.
        var api = origin.Where(r => r.Path.Contains("/api/", StringComparison.Ordinal)).ToList();
        Assert.Single(api, r => r.Path == _fleet.Hub.RevisionPath("main"));
        var pages = api.Count(r => r.Path.Contains("/tree/", StringComparison.Ordinal));
        Assert.Equal(3, pages); // 4 files and a directory, 2 to a page
        Assert.All(files, f => Assert.Single(origin, r => r.Path == _fleet.Hub.ResolvePath(commit, f.Path)));
        Assert.All(origin.Where(r => r.Host.StartsWith(FaultServer.SecondHost, StringComparison.Ordinal)), r => Assert.Null(r.Authorization));
    }

    /// <summary>Ranges or not, the bytes of one file add up to its size once (5% slack for a re-asked slice).</summary>
    private static void AssertServedOnce(IReadOnlyList<RecordedRequest> requests, long size, string what)
    {
        Assert.NotEmpty(requests);
        var sent = requests.Sum(r => r.BytesSent);
        Assert.True(sent >= size && sent <= size * 1.05, $"{what}: origin sent {sent} bytes for a {size}-byte file in {requests.Count} requests");
    }

    [Fact]
    public async Task Sync_SameBlobInAnotherRepo_ComesFromTheCacheByDigestNotBySignedUrl()
    {
        var files = HubCacheFleet.Files();
        _fleet.Hub.Commit("main", files);
        var other = new FakeHub(server, _fleet.Scope, "acme/fleet-copy", server.SecondHostOrigin);
        var otherCommit = other.Commit("main", files);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_fleet.Manifest(_fleet.NewStore(), _fleet.ThroughCache, httpModel: false), output)).ExitCode);
        var cdnBefore = _fleet.Origin.Count(r => r.Path.Contains("/cdn/", StringComparison.Ordinal));

        var copy = _fleet.NewStore();
        var manifest = _fleet.Manifest(copy, _fleet.ThroughCache, httpModel: false);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(HubCacheFleet.Repo, "acme/fleet-copy", StringComparison.Ordinal));
        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ModelState.Ready, copy.Entry("fleet").State);
        // The hub redirected the new repo's files to freshly signed URLs; the cache knew the digests.
        Assert.Contains(_fleet.Origin, r => r.Path == other.ResolvePath(otherCommit, "model.safetensors") && r.Status == 302);
        Assert.Equal(cdnBefore, _fleet.Origin.Count(r => r.Path.Contains("/cdn/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sync_CacheServesWrongBytes_ChecksumMismatchAndNothingPublished()
    {
        var commit = _fleet.Hub.Commit("main", HubCacheFleet.Files());
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_fleet.Manifest(_fleet.NewStore(), _fleet.ThroughCache, httpModel: false), output)).ExitCode);
        // Flip the last byte of every cached slice: same size, same headers, wrong content.
        var slices = Directory.GetFiles(Path.Combine(_fleet.Cache.CacheDir, "blobs"), "*", SearchOption.AllDirectories);
        Assert.NotEmpty(slices);
        foreach (var slice in slices)
        {
            await using var stream = new FileStream(slice, FileMode.Open, FileAccess.ReadWrite);
            stream.Seek(-1, SeekOrigin.End);
            var last = (byte)stream.ReadByte();
            stream.Seek(-1, SeekOrigin.End);
            stream.WriteByte((byte)~last);
        }

        var cdnBefore = _fleet.Origin.Count(r => r.Path.Contains("/cdn/", StringComparison.Ordinal));
        var victim = _fleet.NewStore();
        var result = await DaemonRunner.SyncAsync(_fleet.Manifest(victim, _fleet.ThroughCache, httpModel: false), output);

        Assert.NotEqual(0, result.ExitCode);
        var entry = victim.Entry("fleet");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("ChecksumMismatch", entry.Error?.Reason);
        Assert.False(Directory.Exists(victim.VersionDir("fleet", commit)), "nothing published");
        Assert.Null(victim.CurrentTarget("fleet"));
        Assert.Equal(cdnBefore, _fleet.Origin.Count(r => r.Path.Contains("/cdn/", StringComparison.Ordinal)));
    }
}

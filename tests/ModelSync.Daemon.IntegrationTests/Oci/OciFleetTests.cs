using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using Xunit;
using Xunit.Abstractions;
using static ModelSync.Daemon.IntegrationTests.Oci.OciArtifacts;

namespace ModelSync.Daemon.IntegrationTests.Oci;

/// <summary>One origin pull per cluster: four daemons (separate stores) through a distribution registry in
/// <c>proxy:</c> mode; counted from the origin's access log. The timed version is bench/oci-fleet.sh.</summary>
public sealed class OciFleetTests(ITestOutputHelper output)
{
    private const int Nodes = 4;

    [Fact]
    public async Task Sync_FourNodesThroughAPullThroughCache_OriginServesNoBlobAfterTheFirstNode()
    {
        await using var origin = await RegistryServer.StartAsync();
        var (layers, files) = ModelPackRaw(2 << 20);
        string digest;
        using (var pusher = new OciPusher(origin.Origin))
        {
            digest = await pusher.PushArtifactAsync("fleet/bert", "v1", ModelPackArtifact, (ModelPackConfig, Config("fleet")), layers);
        }

        await using var cache = await RegistryServer.StartAsync(new RegistryOptions { ProxyRemoteUrl = origin.Origin });
        var stores = Enumerable.Range(0, Nodes).Select(_ => new TestStore()).ToList();
        try
        {
            var manifests = stores.Select(s => Manifest(s, $"oci://{cache.HostPort}/fleet/bert:v1", cache.HostPort)).ToList();

            Assert.Equal(0, (await DaemonRunner.SyncAsync(manifests[0], output)).ExitCode);
            var fromOrigin = origin.BlobGets().Count;
            Assert.True(fromOrigin >= 3, $"the first node's config and layers came from the origin: {fromOrigin}");
            await WaitCachedAsync(cache, [.. layers.Select(l => l.Digest)]);

            var rest = await Task.WhenAll(manifests.Skip(1).Select(m => DaemonRunner.SyncAsync(m, output)));

            Assert.All(rest, r => Assert.Equal(0, r.ExitCode));
            Assert.Equal(fromOrigin, origin.BlobGets().Count);
            foreach (var store in stores)
            {
                var entry = store.Entry("llm");
                Assert.Equal(ModelState.Ready, entry.State);
                Assert.Equal("sha256-" + digest[7..], entry.Version);
                Assert.Equal(files["model.safetensors"], File.ReadAllBytes(Path.Combine(store.VersionDir("llm", entry.Version), "model.safetensors")));
            }

            foreach (var line in origin.BlobGets())
            {
                output.WriteLine($"[origin] {line}");
            }
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }
    }

    /// <summary>The cache writes a blob as it passes it on; a node asking before it landed would go to the origin
    /// again (documented behaviour), so the test waits for the cache's copy (hang guard only).</summary>
    private static Task WaitCachedAsync(RegistryServer cache, IReadOnlyList<string> digests) =>
        Eventually.WaitAsync(() => digests.All(d => File.Exists(cache.BlobPath(d))), "the cache's copy of every blob", timeout: TimeSpan.FromSeconds(30));

    private static string Manifest(TestStore store, string source, string hostPort)
    {
        var path = Path.Combine(store.Dir, "fleet.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {store.Root}
            sync:
              retry: {"{"} maxAttempts: 2, baseDelay: 50ms, maxDelay: 200ms {"}"}
              stallTimeout: 10s
              insecureRegistries: [{hostPort}]
            models:
              - name: llm
                source: {source}
            """);
        return path;
    }
}

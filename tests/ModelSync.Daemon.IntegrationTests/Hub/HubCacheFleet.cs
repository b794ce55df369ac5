using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Hub;

/// <summary>
/// The fake hub (API on 127.0.0.1, CDN on 127.0.0.2) and a plain-HTTP origin on one <see cref="FaultServer"/>
/// scope, the hub-cache nginx in front of both, and any number of nodes (a store and a daemon process each)
/// syncing an <c>hf://</c> model and an <c>http://</c> one through it.
/// </summary>
public sealed class HubCacheFleet : IAsyncDisposable
{
    public const string Repo = "acme/fleet-mini";
    public const string HttpPath = "files/weights.bin";
    private readonly FaultServer _server;
    private readonly ITestOutputHelper _output;
    private readonly List<TestStore> _stores = [];

    public HubCacheFleet(FaultServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
        Scope = server.NewScope();
        Hub = new FakeHub(server, Scope, Repo, server.SecondHostOrigin);
        Cache = NginxFixture.HubCache(new HubCacheOptions($"{server.Origin}{Scope}", HttpOrigins: $"127\\.0\\.0\\.2:{server.Port}"));
        server.Route($"{Scope}/{HttpPath}", r => r.ServeAsync(HttpContent, etag: "\"weights-v1\""));
    }

    public string Scope { get; }

    public FakeHub Hub { get; }

    public NginxFixture Cache { get; }

    /// <summary>Not a multiple of the 1 MiB slice, so the last slice is a short one.</summary>
    public byte[] HttpContent { get; } = RandomNumberGenerator.GetBytes((2 << 20) + 4321);

    public string HttpUrl => $"{_server.SecondHostOrigin}{Scope}/{HttpPath}";

    /// <summary>Two git files (one of several pages of the tree) and two LFS files, one larger than a segment.</summary>
    public static List<HubFile> Files() =>
    [
        new("config.json", Encoding.UTF8.GetBytes("{\"model_type\": \"bert\"}\n"), Lfs: false),
        new("tokenizer.json", RandomNumberGenerator.GetBytes(300_000), Lfs: false),
        new("model.safetensors", RandomNumberGenerator.GetBytes((3 << 20) + 12345), Lfs: true),
        new("onnx/model.onnx", RandomNumberGenerator.GetBytes(700_000), Lfs: true),
    ];

    /// <summary>Everything the origin (hub API, hub files, CDN, the HTTP origin) was asked in this scope.</summary>
    public IReadOnlyList<RecordedRequest> Origin => _server.Requests(Scope);

    public Task InitializeAsync() => Cache.InitializeAsync();

    public TestStore NewStore()
    {
        var store = new TestStore();
        _stores.Add(store);
        return store;
    }

    /// <summary>A node's manifest: hf:// through the cache as its hub, http:// through it as sync.proxy.</summary>
    public string Manifest(TestStore store, string sync = "", string? token = null, bool httpModel = true)
    {
        var path = Path.Combine(store.Dir, "fleet.yaml");
        var auth = token is null ? "" : $"    auth: {{ bearerTokenFile: {WriteToken(store, token)} }}\n";
        var http = !httpModel ? "" : string.Create(CultureInfo.InvariantCulture, $"""
              - name: weights
                version: v1
                files:
                  - {"{"} path: weights.bin, size: {HttpContent.Length}, sha256: {Digest.Sha256(HttpContent)}, url: {HttpUrl} {"}"}

            """);
        File.WriteAllText(path, $"""
            store:
              root: {store.Root}
            sync:
              retry: {"{"} maxAttempts: 2, baseDelay: 50ms, maxDelay: 1s {"}"}
              stallTimeout: 10s
              segmentSize: 1Mi
              segmentsPerFile: 3
            {sync}
            models:
              - name: fleet
                source: hf://{Repo}@main
            {auth}{http}
            """);
        return path;
    }

    /// <summary>The cache as hub and proxy; what a DaemonSet's ConfigMap says.</summary>
    public string ThroughCache => $"  hfEndpoint: {Cache.Origin}/\n  proxy: {Cache.Origin}";

    public Task<DaemonResult[]> SyncAllAsync(IEnumerable<string> manifests) =>
        Task.WhenAll(manifests.Select(m => DaemonRunner.SyncAsync(m, _output)));

    private static string WriteToken(TestStore store, string token)
    {
        var file = Path.Combine(store.Dir, "hf-token");
        File.WriteAllText(file, token + "\n");
        return file;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var r in Origin)
        {
            _output.WriteLine($"[origin] {r}");
        }

        var log = Path.Combine(Cache.Prefix, "access.log");
        if (File.Exists(log))
        {
            _output.WriteLine($"[hub-cache]\n{await File.ReadAllTextAsync(log)}");
        }

        await Cache.DisposeAsync();
        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }
}

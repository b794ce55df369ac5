using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>The happy path against a real static file server.</summary>
[Collection(NginxCollection.Name)]
public sealed class NginxSyncTests(NginxFixture nginx, ITestOutputHelper output) : IDisposable
{
    /// <summary>At least 64 MiB (the default segment size) and not a multiple of the 1 MiB chunk.</summary>
    private const int LargeSize = (64 << 20) + 12_345;

    private static readonly Lazy<byte[]> Large = new(() => RandomNumberGenerator.GetBytes(LargeSize));

    private readonly TestStore _store = new();
    private readonly string _scope = "/" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose() => _store.Dispose();

    /// <summary>Serves <paramref name="files"/> under this test's scope and describes them as one model.</summary>
    private (ManifestModel Model, Dictionary<string, byte[]> Content) Model(string version, params (string Path, byte[] Content)[] files)
    {
        var content = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, bytes) in files)
        {
            nginx.Publish($"{_scope[1..]}/{version}/{path}", bytes);
            content[path] = bytes;
        }

        var model = new ManifestModel("bert", version, $"{nginx.Origin}{_scope}/{version}/", [.. files.Select(f => ManifestFile.Of(f.Path, f.Content))]);
        return (model, content);
    }

    private (ManifestModel Model, Dictionary<string, byte[]> Content) SeveralFiles(string version) => Model(
        version,
        ("config.json", "{\"hidden_size\": 768}\n"u8.ToArray()),
        ("tokenizer/vocab.txt", RandomNumberGenerator.GetBytes(300_001)),
        ("pytorch_model.bin", Large.Value),
        ("empty.txt", []));

    /// <summary>Every GET of this test's scope, once nginx has logged all it served (the daemon has exited).</summary>
    private async Task<IReadOnlyList<AccessLogLine>> GetsAsync() => [.. (await nginx.SettledRequestsAsync(_scope)).Where(r => r.Method == "GET")];

    [Fact]
    public async Task Sync_ModelWithSeveralFiles_PublishesVerifiedVersion()
    {
        var (model, content) = SeveralFiles("v1");

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(model), output);

        Assert.Equal(0, result.ExitCode);
        _store.AssertPublished(model, (file, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content[file.Path]));
        var entry = _store.Entry("bert");
        Assert.All(entry.Files, f =>
        {
            Assert.Equal(Digest.Sha256(content[f.Path]), f.Sha256);
            Assert.Equal(Digest.Xxh128(content[f.Path]), f.Xxh128);
        });
        Assert.Equal("it-node", _store.ReadInventory().Node);
        Assert.True(File.Exists(_store.Layout.MarkerPath("bert", "v1")));
        // Each non-empty file was fetched once: whole (200) or in ranges (206), never a byte twice.
        var requests = await GetsAsync();
        Assert.All(requests, r => Assert.True(r.Status == 200 ? r.Range is null : r.Status == 206 && r.Range is not null, $"{r}"));
        foreach (var file in model.Files.Where(f => f.Size > 0))
        {
            var sent = requests.Where(r => r.Path.EndsWith("/" + file.Path, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(sent);
            Assert.True(sent.Sum(r => r.BytesSent) < file.Size + (sent.Count * 1024), $"{file.Path} ({file.Size} bytes) was sent as {string.Join(", ", sent)}");
        }

        Assert.False(Directory.Exists(_store.Layout.StagingDir("bert", "v1")), "staging left behind");
    }

    [Fact]
    public async Task Sync_SecondRun_DownloadsNothing()
    {
        var (model, _) = SeveralFiles("v1");
        var manifest = _store.WriteManifest(model);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, output)).ExitCode);
        var getsAfterFirst = (await GetsAsync()).Count;
        var inventory = File.ReadAllBytes(_store.Layout.InventoryPath);

        var second = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(0, second.ExitCode);
        // Every request the second run made is in the log once the marker request is: a GET too many is seen.
        Assert.Equal(getsAfterFirst, (await GetsAsync()).Count);
        Assert.Contains("nothing to download", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(ModelState.Ready, _store.Entry("bert").State);
        // Nothing changed, and the first run stopped cleanly: the file is left as it was (docs/daemon.md; a no-op
        // sync of a 1,000-model catalog would otherwise rewrite and fsync megabytes to say only that it ran).
        Assert.Equal(inventory, File.ReadAllBytes(_store.Layout.InventoryPath));
    }

    [Fact]
    public async Task Sync_VersionChanged_DownloadsNewVersionAndFlipsCurrent()
    {
        var (v1, content1) = Model("2024-06", ("config.json", RandomNumberGenerator.GetBytes(1000)), ("weights.bin", RandomNumberGenerator.GetBytes(3_000_000)));
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_store.WriteManifest(v1), output)).ExitCode);
        Assert.Equal("../models/bert/2024-06", _store.CurrentTarget("bert"));

        var (v2, content2) = Model("2024-09", ("config.json", RandomNumberGenerator.GetBytes(1000)), ("weights.bin", RandomNumberGenerator.GetBytes(2_000_000)));
        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(v2), output);

        Assert.Equal(0, result.ExitCode);
        _store.AssertPublished(v2, (file, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content2[file.Path]));
        Assert.Equal("../models/bert/2024-09", _store.CurrentTarget("bert"));
        // The old version stays on disk, intact (GC is a separate verb), for rollback and running pods.
        foreach (var (path, bytes) in content1)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_store.VersionDir("bert", "2024-06"), path)));
        }

        Assert.NotNull(MarkerFile.TryRead(_store.VersionDir("bert", "2024-06")));
        Assert.Equal(["config.json", "weights.bin"], (await GetsAsync())
            .Where(r => r.Path.Contains("/2024-09/", StringComparison.Ordinal)).Select(r => r.Path.Split('/')[^1]).Distinct().Order());
    }
}

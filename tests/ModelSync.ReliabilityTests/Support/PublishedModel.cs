using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests.Support;

/// <summary>Model <c>m</c> served by the fault server in versions of two files (one nested), each version
/// with its own bytes; <see cref="SyncAsync"/> brings one to Ready through the real daemon.</summary>
internal sealed class PublishedModel(FaultServer server, TestStore store, ITestOutputHelper output)
{
    private readonly string _scope = server.NewScope();
    private readonly Dictionary<string, (ManifestModel Model, Dictionary<string, byte[]> Content)> _versions = new(StringComparer.Ordinal);

    /// <summary>Requests the server saw for this model so far.</summary>
    public int Requests => server.Requests(_scope).Count;

    public ManifestModel Version(string version)
    {
        if (!_versions.TryGetValue(version, out var known))
        {
            var content = new Dictionary<string, byte[]>(StringComparer.Ordinal)
            {
                ["config.json"] = RandomNumberGenerator.GetBytes(3000),
                ["onnx/model.bin"] = RandomNumberGenerator.GetBytes(300_000),
            };
            foreach (var (path, bytes) in content)
            {
                server.Route($"{_scope}/{version}/{path}", r => r.ServeAsync(bytes));
            }

            var model = new ManifestModel("m", version, $"{server.Origin}{_scope}/{version}/", [.. content.Select(c => ManifestFile.Of(c.Key, c.Value))]);
            known = _versions[version] = (model, content);
        }

        return known.Model;
    }

    public byte[] Content(string version, string path) => _versions[version].Content[path];

    /// <summary>Syncs <paramref name="version"/> and returns the manifest used.</summary>
    public async Task<string> SyncAsync(string version, int expectedExit = 0)
    {
        var manifest = store.WriteManifest(Version(version));
        var result = await DaemonRunner.SyncAsync(manifest, output);
        Assert.Equal(expectedExit, result.ExitCode);
        return manifest;
    }

    public void AssertReady(string version) =>
        store.AssertPublished(Version(version), (file, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(Content(version, file.Path)));
}

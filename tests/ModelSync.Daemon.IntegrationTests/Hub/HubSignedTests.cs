using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using ModelSync.TestKit.Signing;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Hub;

/// <summary>A signed <c>hf://</c> model (its <c>model.sig</c> in the repository, as publishers ship it) through the
/// real binary against the fake hub: Ready with the signer recorded; a commit changing a weight without re-signing
/// is <c>SignatureInvalid</c> although the hub's own digests match it.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class HubSignedTests : IDisposable, IClassFixture<SigningKit>
{
    private const string Repo = "acme/signed-mini";
    private readonly SigningKit _kit;
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly TempDir _dir = new();
    private readonly FakeHub _hub;

    public HubSignedTests(FaultServer server, SigningKit kit, ITestOutputHelper output)
    {
        (_kit, _output) = (kit, output);
        _hub = new FakeHub(server, server.NewScope(), Repo);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Sync_SignedHubModel_ReadyThenAnUnsignedCommitIsRefusedAndTheReadyVersionKept()
    {
        var files = new List<HubFile>
        {
            new("config.json", Encoding.UTF8.GetBytes("{\"model_type\": \"bert\"}\n"), Lfs: false),
            new("model.safetensors", RandomNumberGenerator.GetBytes(2 << 20), Lfs: true),
            new(".gitattributes", Encoding.UTF8.GetBytes("*.safetensors filter=lfs\n"), Lfs: false),
        };
        var bundle = new HubFile("model.sig", Sign(files), Lfs: false);
        var first = _hub.Commit("main", [.. files, bundle]);
        var manifest = Manifest();

        var ready = await DaemonRunner.SyncAsync(manifest, _output);
        var changed = files.Select(f => f.Path == "model.safetensors" ? f with { Content = [.. f.Content[..^1], (byte)(f.Content[^1] ^ 1)] } : f).ToList();
        _hub.Commit("main", [.. changed, bundle]);
        var refused = await DaemonRunner.SyncAsync(manifest, _output);

        Assert.Equal(0, ready.ExitCode);
        var marker = MarkerFile.TryRead(_store.VersionDir("signed", first))!;
        Assert.Equal(["config.json", "model.safetensors"], marker.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.StartsWith("key sha256:", marker.Signature!.Signer, StringComparison.Ordinal);
        Assert.Equal([".gitattributes"], marker.Signature.Ignored);
        Assert.Equal(1, refused.ExitCode);
        var entry = _store.Entry("signed");
        Assert.Equal("SignatureInvalid", entry.Error!.Reason);
        Assert.Contains("digest: model.safetensors: the source gives sha256", entry.Error.Message, StringComparison.Ordinal);
        Assert.Equal(first, entry.Previous!.Version);
        Assert.Equal($"../models/signed/{first}", _store.CurrentTarget("signed"));
    }

    private byte[] Sign(IEnumerable<HubFile> files)
    {
        var dir = _dir.Combine("repo");
        foreach (var file in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, file.Path))!);
            File.WriteAllBytes(Path.Combine(dir, file.Path), file.Content);
        }

        return _kit.Sign(dir, "p256.pem");
    }

    private string Manifest()
    {
        var path = Path.Combine(_store.Dir, "hub.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {_store.Root}
            sync:
              retry: {"{"} maxAttempts: 2, baseDelay: 50ms, maxDelay: 1s {"}"}
              hfEndpoint: {_hub.Endpoint}
            models:
              - name: signed
                source: hf://{Repo}@main
                signature: {"{"} publicKey: {_kit.File("p256-pub.pem")} {"}"}

            """);
        return path;
    }
}

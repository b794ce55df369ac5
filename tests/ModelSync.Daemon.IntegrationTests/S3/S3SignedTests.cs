using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using ModelSync.TestKit.Signing;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.S3;

/// <summary>A signed <c>s3://</c> model against s3rver: S3 gives no sha256 for a plain upload, so the daemon computes
/// it while streaming and checks it against the signature; one changed byte, re-uploaded (its ETag matching it), is
/// <c>SignatureInvalid</c> and nothing of it is published.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3SignedTests : IDisposable, IClassFixture<SigningKit>
{
    private readonly S3rverFixture _s3;
    private readonly SigningKit _kit;
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly TempDir _dir = new();
    private readonly string _prefix = "sig-" + Guid.NewGuid().ToString("N")[..8] + "/";

    public S3SignedTests(S3rverFixture s3, SigningKit kit, ITestOutputHelper output) => (_s3, _kit, _output) = (s3, kit, output);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Sync_SignedS3Model_ReadyThenAChangedObjectIsSignatureInvalid()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["config.json"] = Encoding.UTF8.GetBytes("{\"model_type\": \"llama\"}\n"),
            ["model.safetensors"] = RandomNumberGenerator.GetBytes((6 << 20) + 77),
        };
        var source = _dir.Combine("model");
        foreach (var (path, bytes) in files)
        {
            Directory.CreateDirectory(source);
            await File.WriteAllBytesAsync(Path.Combine(source, path), bytes);
            await _s3.UploadAsync(_prefix + path, Path.Combine(source, path));
        }

        var bundle = Path.Combine(source, "model.sig");
        await File.WriteAllBytesAsync(bundle, _kit.Sign(source, "p384.pem", "--cert", "leaf.pem"));
        await _s3.UploadAsync(_prefix + "model.sig", bundle);
        var manifest = Manifest();

        var ready = await SyncAsync(manifest);
        var first = _store.Entry("llm");
        var changed = Path.Combine(_dir.Path, "changed");
        var weights = files["model.safetensors"].ToArray();
        weights[^1] ^= 1;
        await File.WriteAllBytesAsync(changed, weights);
        await _s3.UploadAsync(_prefix + "model.safetensors", changed);
        var refused = await SyncAsync(manifest);

        Assert.Equal(0, ready.ExitCode);
        Assert.Equal(ModelState.Ready, first.State);
        Assert.Equal(1, refused.ExitCode);
        var entry = _store.Entry("llm");
        Assert.Equal("SignatureInvalid", entry.Error!.Reason);
        Assert.Contains("digest: model.safetensors: sha256 ", entry.Error.Message, StringComparison.Ordinal);
        Assert.Contains("expected signer: a certificate chaining to CN=ModelSync test CA", entry.Error.Message, StringComparison.Ordinal);
        Assert.NotEqual(first.Version, entry.Version);
        Assert.Equal(first.Version, entry.Previous!.Version);
        Assert.False(Directory.Exists(_store.VersionDir("llm", entry.Version)));
        Assert.Equal(files["model.safetensors"], File.ReadAllBytes(Path.Combine(_store.VersionDir("llm", first.Version), "model.safetensors")));
        var marker = MarkerFile.TryRead(_store.VersionDir("llm", first.Version))!;
        Assert.StartsWith("certificate CN=model signer", marker.Signature!.Signer, StringComparison.Ordinal);
        Assert.Equal(["config.json", "model.safetensors"], marker.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    private string Manifest()
    {
        var path = Path.Combine(_store.Dir, "s3.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {_store.Root}
            sync:
              retry: {"{"} maxAttempts: 2, baseDelay: 50ms, maxDelay: 200ms {"}"}
            models:
              - name: llm
                source: s3://{S3rverFixture.Bucket}/{_prefix}
                signature: {"{"} certificateChain: {_kit.File("ca.pem")} {"}"}

            """);
        return path;
    }

    private Task<DaemonResult> SyncAsync(string manifest) =>
        DaemonRunner.RunWithEnvironmentAsync(_output, _s3.Environment(), "sync", "--manifest", manifest);
}

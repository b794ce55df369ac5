using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using ModelSync.TestKit.Signing;
using Xunit;
using Xunit.Abstractions;
using static ModelSync.Daemon.IntegrationTests.Oci.OciArtifacts;

namespace ModelSync.Daemon.IntegrationTests.Oci;

/// <summary>A signed <c>oci://</c> model from the real registry: the OMS bundle is the artifact's own
/// <c>model.sig</c> layer; a tag pushed anew with one changed weight (its layer digest matching it, not re-signed)
/// is <c>SignatureInvalid</c> and the signed version stays Ready.</summary>
public sealed class OciSignedTests(ITestOutputHelper output, SigningKit kit) : OciTestBase(output), IClassFixture<SigningKit>
{
    [Fact]
    public async Task Sync_SignedOrasArtifact_ReadyWithItsSigner_ThenAnUnsignedChangeIsRefused()
    {
        using var dir = new TempDir();
        var files = new Dictionary<string, byte[]>
        {
            ["config.json"] = Encoding.UTF8.GetBytes("{\"model_type\": \"bert\"}\n"),
            ["model.safetensors"] = RandomNumberGenerator.GetBytes(400_000),
        };
        foreach (var (path, bytes) in files)
        {
            await File.WriteAllBytesAsync(dir.Combine(path), bytes);
        }

        var bundle = kit.Sign(dir.Path, "p256.pem");
        OciLayer[] Layers(byte[] weights) =>
        [
            new(OrasDefault, files["config.json"], Title("config.json")),
            new(OrasDefault, weights, Title("model.safetensors")),
            new("application/vnd.dev.sigstore.bundle.v0.3+json", bundle, Title("model.sig")),
        ];
        var first = await Pusher.PushArtifactAsync("acme/signed", "v1", "application/vnd.example.model", (OciPusher.EmptyConfigType, EmptyConfig), Layers(files["model.safetensors"]));
        var manifest = Manifest($"oci://{Registry.HostPort}/acme/signed:v1", $"    signature: {{ publicKey: {kit.File("p256-pub.pem")} }}\n");

        var ready = await SyncAsync(manifest);

        Assert.Equal(0, ready.ExitCode);
        AssertPublished(Version(first), files);
        var marker = MarkerFile.TryRead(Store.VersionDir("llm", Version(first)))!;
        Assert.StartsWith("key ", marker.Signature!.Signer, StringComparison.Ordinal);
        Assert.DoesNotContain(marker.Files, f => f.Path == "model.sig");

        var changed = files["model.safetensors"].ToArray();
        changed[1234] ^= 1;
        await Pusher.PushArtifactAsync("acme/signed", "v1", "application/vnd.example.model", (OciPusher.EmptyConfigType, EmptyConfig), Layers(changed));

        var refused = await SyncAsync(manifest);

        Assert.Equal(1, refused.ExitCode);
        var entry = Store.Entry("llm");
        Assert.Equal("SignatureInvalid", entry.Error!.Reason);
        Assert.Contains("model.safetensors", entry.Error.Message, StringComparison.Ordinal);
        Assert.Equal(Version(first), entry.Previous!.Version);
        Assert.Equal($"../models/llm/{Version(first)}", Store.CurrentTarget("llm"));
        Assert.False(Directory.Exists(Store.VersionDir("llm", entry.Version)));
    }
}

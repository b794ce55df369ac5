using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.TestKit.Signing;

namespace ModelSync.Daemon.Tests.Signatures;

/// <summary><c>hash</c> on a directory with a <c>model.sig</c>: the bundle is the signature block, not a file,
/// and the entry (with the key's path filled in) syncs to a signed Ready version through the real binary.</summary>
public sealed class HashSignatureBlockTests(SigningKit kit) : IClassFixture<SigningKit>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Hash_DirectoryWithModelSig_SignatureBlockThatSyncsSigned()
    {
        var source = _dir.Combine("src");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, "weights.bin"), RandomNumberGenerator.GetBytes(100_000));
        File.WriteAllText(Path.Combine(source, "config.json"), "{}");
        File.WriteAllBytes(Path.Combine(source, "model.sig"), kit.Sign(source, "p256.pem"));

        var (exit, stdout, stderr) = DaemonRunner.Run("hash", source, "--name", "demo", "--version", "v1");

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("path: \"model.sig\"", stdout, StringComparison.Ordinal);
        Assert.Contains("    signature:\n      # method key; the bundle names key hint ", stdout, StringComparison.Ordinal);
        var root = _dir.Combine("store");
        var manifest = _dir.Combine("models.yaml");
        File.WriteAllText(manifest, $"store:\n  root: {root}\nsync:\n  allowedFileRoots: [{source}]\nmodels:\n"
            + stdout.Replace("/etc/modelsync/keys/REPLACE-with-the-signer.pub", kit.File("p256-pub.pem"), StringComparison.Ordinal));
        var sync = DaemonRunner.Run("sync", "--manifest", manifest);
        Assert.True(sync.ExitCode == 0, sync.Stderr);
        var entry = InventoryFile.Read(new StoreLayout(root)).Inventory!.Find("demo")!;
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.StartsWith("key sha256:", entry.Signature!.Signer, StringComparison.Ordinal);
        var status = DaemonRunner.Run("status", "--manifest", manifest);
        Assert.Contains("demo v1: signed by key sha256:", status.Stdout, StringComparison.Ordinal);
    }
}

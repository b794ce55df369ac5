using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Cli;

/// <summary>The <c>hash</c> verb's output is a manifest entry that validates and syncs as it is.</summary>
public sealed class HashCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelsync-hash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Hash_Directory_EntryThatValidatesAndSyncs()
    {
        var source = Path.Combine(_dir, "src");
        Directory.CreateDirectory(Path.Combine(source, "tokenizer"));
        var weights = RandomNumberGenerator.GetBytes(300_000);
        File.WriteAllBytes(Path.Combine(source, "weights.bin"), weights);
        File.WriteAllText(Path.Combine(source, "tokenizer", "vocab #1.txt"), "a\nb\n");
        Directory.CreateDirectory(Path.Combine(source, ".cache"));
        File.WriteAllText(Path.Combine(source, ".cache", "junk"), "not part of the model");

        var (exit, stdout, stderr) = DaemonRunner.Run("hash", source, "--name", "demo", "--version", "v1", "--xxh128");

        Assert.True(exit == 0, stderr);
        Assert.Contains($"sha256: {Convert.ToHexStringLower(SHA256.HashData(weights))}", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(".cache", stdout, StringComparison.Ordinal);
        Assert.Contains($"allowedFileRoots: [{source}]", stderr, StringComparison.Ordinal);
        var root = Path.Combine(_dir, "store");
        var manifest = Path.Combine(_dir, "models.yaml");
        File.WriteAllText(manifest, $"store:\n  root: {root}\nsync:\n  allowedFileRoots: [{source}]\nmodels:\n{stdout}");
        Assert.Equal(0, DaemonRunner.Run("validate", manifest).ExitCode);
        var sync = DaemonRunner.Run("sync", "--manifest", manifest);
        Assert.True(sync.ExitCode == 0, sync.Stderr);
        var entry = InventoryFile.Read(new StoreLayout(root)).Inventory!.Find("demo")!;
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Equal(["tokenizer/vocab #1.txt", "weights.bin"], entry.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Hash_BadName_Exit2NamingIt()
    {
        var (exit, _, stderr) = DaemonRunner.Run("hash", _dir, "--name", "Not_A_Label", "--version", "v1");

        Assert.Equal(2, exit);
        Assert.Contains("--name", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_MissingDirectory_Exit2NamingIt()
    {
        var missing = Path.Combine(_dir, "nope");

        var (exit, _, stderr) = DaemonRunner.Run("hash", missing, "--name", "demo", "--version", "v1");

        Assert.Equal(2, exit);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }
}

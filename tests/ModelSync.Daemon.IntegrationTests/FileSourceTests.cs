using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary><c>file://</c> sources: a mounted NFS share or a local folder.</summary>
public sealed class FileSourceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Sync_FileUrlSource_PublishesVerifiedVersion()
    {
        var source = Path.Combine(_store.Dir, "share with space");
        Directory.CreateDirectory(Path.Combine(source, "sub"));
        var a = RandomNumberGenerator.GetBytes(2_500_000);
        var b = RandomNumberGenerator.GetBytes(777);
        File.WriteAllBytes(Path.Combine(source, "a.bin"), a);
        File.WriteAllBytes(Path.Combine(source, "sub", "b.json"), b);
        var baseUrl = new Uri(source + "/").AbsoluteUri;
        var model = new ManifestModel("local", "1", baseUrl, [ManifestFile.Of("a.bin", a), ManifestFile.Of("sub/b.json", b)]);
        _store.ExtraSync = $"  allowedFileRoots: [\"{source}\"]";

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(model), output);

        Assert.Equal(0, result.ExitCode);
        var content = new Dictionary<string, byte[]> { ["a.bin"] = a, ["sub/b.json"] = b };
        _store.AssertPublished(model, (file, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content[file.Path]));
    }

    [Fact]
    public async Task Sync_SymlinkInAllowedRootPointingOutside_FailsSourceNotAllowedCopyingNothing()
    {
        var allowed = Path.Combine(_store.Dir, "share");
        var outside = Path.Combine(_store.Dir, "secret.bin");
        var secret = RandomNumberGenerator.GetBytes(1000);
        Directory.CreateDirectory(allowed);
        File.WriteAllBytes(outside, secret);
        File.CreateSymbolicLink(Path.Combine(allowed, "a.bin"), outside);
        var model = new ManifestModel("local", "1", new Uri(allowed + "/").AbsoluteUri, [ManifestFile.Of("a.bin", secret)]);
        _store.ExtraSync = $"  allowedFileRoots: [{allowed}]";

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(model), output);

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("local");
        Assert.Equal("SourceNotAllowed", entry.Error?.Reason);
        Assert.Contains(outside, entry.Error?.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_store.VersionDir("local", "1")));
        var staged = Directory.Exists(_store.Layout.StagingRoot)
            ? Directory.EnumerateFiles(_store.Layout.StagingRoot, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json", StringComparison.Ordinal))
            : [];
        Assert.All(staged, f => Assert.Equal(0L, new FileInfo(f).Length));
    }
}

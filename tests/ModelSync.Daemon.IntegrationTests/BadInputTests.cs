using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>A fact that is skipped, with the reason, when the tests run as root.</summary>
public sealed class NonRootFactAttribute : FactAttribute
{
    public NonRootFactAttribute()
    {
        if (Environment.IsPrivilegedProcess)
        {
            Skip = "running as root: permission bits do not stop root from writing (the file-as-root test covers exit 3)";
        }
    }
}

/// <summary>Bad manifests and unwritable roots: the daemon refuses before touching anything.</summary>
public sealed class BadInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>A Ready model from a local folder, so there is a store whose tree can be compared.</summary>
    private async Task<ManifestModel> PublishLocalModelAsync()
    {
        var source = Path.Combine(_store.Dir, "src");
        Directory.CreateDirectory(source);
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        File.WriteAllBytes(Path.Combine(source, "w.bin"), bytes);
        var model = new ManifestModel("local", "1", new Uri(source + "/").AbsoluteUri, [ManifestFile.Of("w.bin", bytes)]);
        _store.ExtraSync = $"  allowedFileRoots: [{source}]";
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_store.WriteManifest(model), output)).ExitCode);
        return model;
    }

    [Fact]
    public async Task Sync_BadManifest_ExitsTwoWithEveryProblemAndLeavesStoreUntouched()
    {
        await PublishLocalModelAsync();
        var before = TestStore.Snapshot(_store.Root);
        var manifest = Path.Combine(_store.Dir, "bad.yaml");
        File.WriteAllText(manifest, $"""
            store:
              root: {_store.Root}
              colour: blue
            sync:
              stallTimeout: 30
            models:
              - name: Bad_Name
                version: "1"
                baseUrl: ftp://example.invalid/
                files:
                  - path: ../escape.bin
                    size: -5
                    sha256: not-hex
            """);

        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(2, result.ExitCode);
        string[] fields = ["store.colour", "sync.stallTimeout", "models[0].name", "models[0].baseUrl", "models[0].files[0].path", "models[0].files[0].size", "models[0].files[0].sha256"];
        Assert.All(fields, field => Assert.Contains(field, result.Stderr, StringComparison.Ordinal));
        // Every problem names the file, line and column.
        var problemLines = result.Stderr.Split('\n').Where(l => l.StartsWith(manifest + ":", StringComparison.Ordinal)).ToList();
        Assert.True(problemLines.Count >= fields.Length, $"expected {fields.Length} problems as FILE:LINE:COL lines, got:\n{result.Stderr}");
        Assert.Equal(before, TestStore.Snapshot(_store.Root));
    }

    [Fact]
    public async Task Sync_RootBelowARegularFile_ExitsThree()
    {
        var file = Path.Combine(_store.Dir, "not-a-dir");
        File.WriteAllText(file, "x");
        var manifest = ManifestWithRoot($"{file}/store");

        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("not writable", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [NonRootFact]
    public async Task Sync_RootNotWritable_ExitsThree()
    {
        var parent = Path.Combine(_store.Dir, "readonly");
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var manifest = ManifestWithRoot($"{parent}/store");

            var result = await DaemonRunner.SyncAsync(manifest, output);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("not writable", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>A valid one-model manifest whose store root is <paramref name="root"/>: only the root is under test.</summary>
    private string ManifestWithRoot(string root)
    {
        var manifest = Path.Combine(_store.Dir, "m.yaml");
        File.WriteAllText(manifest, $"""
            store:
              root: {root}
            sync:
              allowedFileRoots: [/nonexistent]
            models:
              - name: m
                version: "1"
                files:
                  - path: a.bin
                    url: file:///nonexistent/a.bin
                    size: 1
                    xxh128: {new string('0', 32)}
            """);
        return manifest;
    }
}

using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Oci;

/// <summary>A store, a real registry on 127.0.0.1 (listed in <c>sync.insecureRegistries</c>) and the manifest of one oci:// model.</summary>
public abstract class OciTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    protected ITestOutputHelper Output { get; } = output;

    protected TestStore Store { get; } = new();

    protected RegistryServer Registry { get; private set; } = null!;

    protected OciPusher Pusher { get; private set; } = null!;

    protected virtual RegistryOptions RegistryOptions => new();

    public virtual async Task InitializeAsync()
    {
        Registry = await RegistryServer.StartAsync(RegistryOptions);
        Pusher = new OciPusher(Registry.Origin);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var line in Registry.Log.TakeLast(40))
        {
            Output.WriteLine($"[registry] {line}");
        }

        Pusher.Dispose();
        await Registry.DisposeAsync();
        Store.Dispose();
    }

    protected string Manifest(string source, string extra = "", string? registry = null, string syncExtra = "")
    {
        var path = Path.Combine(Store.Dir, $"oci-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {Store.Root}
              keepVersions: 1
            sync:
              retry: {"{"} maxAttempts: 2, baseDelay: 50ms, maxDelay: 200ms {"}"}
              stallTimeout: 5s
              insecureRegistries: [{registry ?? Registry.HostPort}]
            {syncExtra}models:
              - name: llm
                source: {source}
            {extra}
            """);
        return path;
    }

    protected Task<DaemonResult> SyncAsync(string manifest) => DaemonRunner.SyncAsync(manifest, Output);

    protected static string Version(string manifestDigest) => "sha256-" + manifestDigest["sha256:".Length..];

    /// <summary>The files of the published version, byte for byte, and the real gate's <c>--check --verify full</c> passing on it.</summary>
    protected void AssertPublished(string version, IReadOnlyDictionary<string, byte[]> files)
    {
        var entry = Store.Entry("llm");
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Equal(version, entry.Version);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), entry.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        foreach (var (path, content) in files)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(Store.VersionDir("llm", version), path)));
            var recorded = Assert.Single(entry.Files, f => f.Path == path);
            Assert.Equal(content.Length, recorded.Size);
            Assert.Equal(Digest.Sha256(content), recorded.Sha256);
            Assert.Equal(Digest.Xxh128(content), recorded.Xxh128);
        }

        Assert.False(Directory.Exists(Path.Combine(Store.VersionDir("llm", version), ".modelsync-layers")), "tar blobs are not published");
        var gate = GateProcess.Run(Output, ["--root", Store.Root, "--check", "--verify", "full", "--require", $"llm@{version}"]);
        Assert.True(gate.ExitCode == 0, $"gate --verify full: {gate.Out}\n{gate.Err}");
    }
}

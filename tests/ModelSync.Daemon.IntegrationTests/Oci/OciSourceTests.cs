using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;
using static ModelSync.Daemon.IntegrationTests.Oci.OciArtifacts;

namespace ModelSync.Daemon.IntegrationTests.Oci;

/// <summary><c>source: oci://…</c> against the real distribution registry, artifacts pushed through its HTTP API.</summary>
public sealed class OciSourceTests(ITestOutputHelper output) : OciTestBase(output)
{
    [Fact]
    public async Task Sync_ModelPackRawLayers_DigestIsTheVersionAndASecondSyncFetchesNoBlob()
    {
        var (layers, files) = ModelPackRaw();
        var digest = await Pusher.PushArtifactAsync("acme/bert", "v1", ModelPackArtifact, (ModelPackConfig, Config("bert")), layers);
        var manifest = Manifest($"oci://{Registry.HostPort}/acme/bert:v1");

        var first = await SyncAsync(manifest);

        Assert.Equal(0, first.ExitCode);
        AssertPublished(Version(digest), files);
        var entry = Store.Entry("llm");
        Assert.Equal($"oci://{Registry.HostPort}/acme/bert:v1", entry.Source);
        Assert.Equal(entry.Source, MarkerFile.TryRead(Store.VersionDir("llm", Version(digest)))?.Source);
        var blobGets = Registry.BlobGets().Count;
        Assert.True(blobGets >= 3, $"config and two layers fetched: {blobGets}");

        var second = await SyncAsync(manifest);

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(blobGets, Registry.BlobGets().Count);
        Assert.Equal(Version(digest), Store.Entry("llm").Version);
    }

    [Fact]
    public async Task Sync_PinnedByDigest_SameVersionAsTheTag()
    {
        var (layers, files) = ModelPackRaw(64 << 10);
        var digest = await Pusher.PushArtifactAsync("acme/pinned", "v1", ModelPackArtifact, (ModelPackConfig, Config("pinned")), layers);

        var result = await SyncAsync(Manifest($"oci://{Registry.HostPort}/acme/pinned@{digest}"));

        Assert.Equal(0, result.ExitCode);
        AssertPublished(Version(digest), files);
    }

    [Fact]
    public async Task Sync_ModelPackTarLayer_UnpackedUnderItsPathsWithLinksInsideAsCopies()
    {
        var shard = RandomNumberGenerator.GetBytes(200_000);
        var tokenizer = "{\"vocab\": 3}\n"u8.ToArray();
        var tar = TestTar.Tar(
            TarItem.Dir("weights/"), TarItem.File("weights/shard-0.bin", shard), TarItem.File("./weights/tokenizer.json", tokenizer),
            TarItem.Symlink("weights/latest.bin", "shard-0.bin"));
        var readme = "# bert\n"u8.ToArray();
        OciLayer[] layers = [new(ModelPackWeightTar, tar, FilePath("weights")), new("application/vnd.cncf.model.doc.v1.raw", readme, FilePath("README.md"))];
        var digest = await Pusher.PushArtifactAsync("acme/tarred", "v1", ModelPackArtifact, (ModelPackConfig, Config("tarred")), layers);

        var result = await SyncAsync(Manifest($"oci://{Registry.HostPort}/acme/tarred:v1"));

        Assert.Equal(0, result.ExitCode);
        AssertPublished(Version(digest), new Dictionary<string, byte[]>
        {
            ["weights/shard-0.bin"] = shard, ["weights/tokenizer.json"] = tokenizer, ["weights/latest.bin"] = shard, ["README.md"] = readme,
        });
        Assert.Null(new FileInfo(Path.Combine(Store.VersionDir("llm", Version(digest)), "weights/latest.bin")).LinkTarget);
    }

    [Fact]
    public async Task Sync_OrasFilesWithEmptyConfig_TitleNamesEachFile()
    {
        var gguf = RandomNumberGenerator.GetBytes(500_000);
        var license = "MIT\n"u8.ToArray();
        OciLayer[] layers = [new(OrasDefault, gguf, Title("model.gguf")), new("text/plain", license, Title("LICENSE"))];
        var digest = await Pusher.PushArtifactAsync("acme/oras", "q4", "application/vnd.example.gguf", (OciPusher.EmptyConfigType, EmptyConfig), layers);

        var result = await SyncAsync(Manifest($"oci://{Registry.HostPort}/acme/oras:q4"));

        Assert.Equal(0, result.ExitCode);
        AssertPublished(Version(digest), new Dictionary<string, byte[]> { ["model.gguf"] = gguf, ["LICENSE"] = license });
    }

    [Fact]
    public async Task Sync_KitOpsTarGzipLayersWithIncludeExclude_OnlySelectedEntriesPublished()
    {
        var weights = RandomNumberGenerator.GetBytes(300_000);
        var model = TestTar.TarGz(TarItem.Dir("model"), TarItem.File("model/weights.safetensors", weights), TarItem.File("model/onnx/model.onnx", [1, 2, 3]));
        var docs = TestTar.TarGz(TarItem.File("README.md", "# kit\n"u8.ToArray()));
        var kitfile = Encoding.UTF8.GetBytes("{\"manifestVersion\":\"1.0\",\"package\":{\"name\":\"kit\"}}");
        OciLayer[] layers = [new(KitOpsModel, model), new(KitOpsDocs, docs)];
        var digest = await Pusher.PushArtifactAsync("acme/kit", "v1", null, (KitOpsConfig, kitfile), layers);
        var source = $"oci://{Registry.HostPort}/acme/kit:v1";

        var result = await SyncAsync(Manifest(source, "    include: [\"model/\"]\n    exclude: [\"*.onnx\"]\n"));

        Assert.Equal(0, result.ExitCode);
        AssertPublished(Version(digest), new Dictionary<string, byte[]> { ["model/weights.safetensors"] = weights });
        Assert.Equal($"{source}?include=model/*&exclude=*.onnx", Store.Entry("llm").Source);
    }

    [Fact]
    public async Task Sync_BlobChangedInRegistryStorage_FailsChecksumMismatchNamingTheFileAndPublishesNothing()
    {
        var (layers, _) = ModelPackRaw(1 << 20);
        await Pusher.PushArtifactAsync("acme/damaged", "v1", ModelPackArtifact, (ModelPackConfig, Config("damaged")), layers);
        var blob = Registry.BlobPath(layers[1].Digest);
        var bytes = File.ReadAllBytes(blob);
        bytes[12345] ^= 0xFF;
        File.WriteAllBytes(blob, bytes);

        var result = await SyncAsync(Manifest($"oci://{Registry.HostPort}/acme/damaged:v1"));

        Assert.NotEqual(0, result.ExitCode);
        var entry = Store.Entry("llm");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("ChecksumMismatch", entry.Error?.Reason);
        Assert.Equal("model.safetensors", entry.Error?.File);
        Assert.False(Directory.Exists(Store.Layout.ModelsDir) && Directory.EnumerateFileSystemEntries(Store.Layout.ModelsDir, "*", SearchOption.AllDirectories).Any(),
            "nothing published");
    }

    [Fact]
    public async Task Sync_PlainHttpRegistryNotListedAsInsecure_FailsSayingSyncInsecureRegistries()
    {
        var (layers, _) = ModelPackRaw(64 << 10);
        await Pusher.PushArtifactAsync("acme/plain", "v1", ModelPackArtifact, (ModelPackConfig, Config("plain")), layers);

        // The registry answers plain HTTP on 127.0.0.1; the manifest lists another one as insecure, so it is asked over https.
        var result = await SyncAsync(Manifest($"oci://{Registry.HostPort}/acme/plain:v1", registry: "127.0.0.1:1"));

        Assert.Equal(1, result.ExitCode);
        var entry = Store.Entry("llm");
        Assert.Equal(ModelState.Failed, entry.State);
        var message = entry.Error?.Message ?? "";
        Assert.Contains($"https://{Registry.HostPort}/v2/acme/plain/manifests/v1", message, StringComparison.Ordinal);
        Assert.Contains($"list it in sync.insecureRegistries: [{Registry.HostPort}]", message, StringComparison.Ordinal);
        Assert.DoesNotContain("see inner exception", message, StringComparison.Ordinal);
    }

    public static TheoryData<string, TarItem> EscapingEntries => new()
    {
        { "../outside.txt", TarItem.File("../outside.txt", "escaped\n"u8.ToArray()) },
        { "/tmp/modelsync-oci-absolute.txt", TarItem.File("/tmp/modelsync-oci-absolute.txt", "escaped\n"u8.ToArray()) },
        { "weights/out", TarItem.Symlink("weights/out", "../../outside.txt") },
        { "weights/abs", TarItem.Symlink("weights/abs", "/etc/passwd") },
        { "weights/tty", new TarItem("weights/tty", System.Formats.Tar.TarEntryType.CharacterDevice) },
    };

    [Theory]
    [MemberData(nameof(EscapingEntries))]
    public async Task Sync_TarLayerWithAnEntryLeavingTheVersion_FailsSourceInvalidNamingItAndWritesNothingOutsideStaging(string name, TarItem bad)
    {
        var tar = TestTar.Tar(TarItem.File("weights/ok.bin", [1, 2, 3]), bad);
        var repo = "acme/evil" + Guid.NewGuid().ToString("N")[..6];
        await Pusher.PushArtifactAsync(repo, "v1", ModelPackArtifact, (ModelPackConfig, Config("evil")), [new(ModelPackWeightTar, tar, FilePath("weights"))]);
        var before = Directory.EnumerateFileSystemEntries(Store.Dir, "*", SearchOption.AllDirectories).Where(p => !p.StartsWith(Store.Root, StringComparison.Ordinal)).ToHashSet();

        var result = await SyncAsync(Manifest($"oci://{Registry.HostPort}/{repo}:v1"));

        Assert.NotEqual(0, result.ExitCode);
        var entry = Store.Entry("llm");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("SourceInvalid", entry.Error?.Reason);
        Assert.Contains(name, entry.Error?.Message ?? "", StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/modelsync-oci-absolute.txt"));
        Assert.False(Directory.Exists(Store.Layout.ModelsDir) && Directory.EnumerateFiles(Store.Layout.ModelsDir, "*", SearchOption.AllDirectories).Any(), "nothing published");
        var after = Directory.EnumerateFileSystemEntries(Store.Dir, "*", SearchOption.AllDirectories).Where(p => !p.StartsWith(Store.Root, StringComparison.Ordinal));
        Assert.Equal(before.Order(StringComparer.Ordinal), after.Where(p => !p.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Store.Root, "outside.txt", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Sync_TagPushedAnew_NewVersionNextPassAndTheOldOneKept()
    {
        var (layers, files) = ModelPackRaw(256 << 10);
        var first = await Pusher.PushArtifactAsync("acme/moving", "stable", ModelPackArtifact, (ModelPackConfig, Config("moving")), layers);
        var manifest = Manifest($"oci://{Registry.HostPort}/acme/moving:stable");
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);
        var config = "{\"hidden_size\": 128}\n"u8.ToArray();
        layers[0] = new(ModelPackConfigRaw, config, FilePath("config.json"));
        var second = await Pusher.PushArtifactAsync("acme/moving", "stable", ModelPackArtifact, (ModelPackConfig, Config("moving")), layers);
        var blobsBefore = Registry.BlobGets().Count;

        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        files["config.json"] = config;
        AssertPublished(Version(second), files);
        Assert.Equal($"../models/llm/{Version(second)}", Store.CurrentTarget("llm"));
        Assert.NotNull(MarkerFile.TryRead(Store.VersionDir("llm", Version(first))));
        // The unchanged weights are reused from the store: only the new config layer and the config blob are fetched.
        Assert.Equal(2, Registry.BlobGets().Count - blobsBefore);
    }

    [Fact]
    public async Task Sync_RegistryDownAfterAReadySync_KeepsTheReadyVersion()
    {
        var (layers, _) = ModelPackRaw(64 << 10);
        var digest = await Pusher.PushArtifactAsync("acme/outage", "v1", ModelPackArtifact, (ModelPackConfig, Config("outage")), layers);
        var manifest = Manifest($"oci://{Registry.HostPort}/acme/outage:v1");
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);

        Registry.Stop();
        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"keeping {Version(digest)}", result.Output, StringComparison.Ordinal);
        Assert.Equal(ModelState.Ready, Store.Entry("llm").State);
        Assert.Equal(Version(digest), Store.Entry("llm").Version);
    }

    [Fact]
    public async Task Sync_RegistryNotInInsecureRegistries_IsAskedOverHttpsOnly()
    {
        var (layers, _) = ModelPackRaw(1024);
        await Pusher.PushArtifactAsync("acme/tls", "v1", ModelPackArtifact, (ModelPackConfig, Config("tls")), layers);

        var result = await SyncAsync(Manifest($"oci://{Registry.HostPort}/acme/tls:v1", registry: "registry.invalid:5000"));

        Assert.NotEqual(0, result.ExitCode);
        var entry = Store.Entry("llm");
        Assert.Equal("SourceUnreachable", entry.Error?.Reason);
        Assert.Contains($"https://{Registry.HostPort}/v2/acme/tls/manifests/v1", entry.Error?.Message ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(Registry.Log, l => l.Contains("/v2/acme/tls/manifests/v1", StringComparison.Ordinal) && l.Contains("\"GET", StringComparison.Ordinal));
    }
}

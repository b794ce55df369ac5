using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Hub;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.HubView;

/// <summary>
/// <c>hub/</c>, the Hugging Face cache view of a store synced from the fake hub: its links on disk, and what the
/// official JS client reads from it offline, across a branch move, a GC, a damaged version and a tampered view.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class HubViewTests : IDisposable
{
    private const string Repo = "acme/sentiment-mini";
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly FakeHub _hub;

    public HubViewTests(FaultServer server, ITestOutputHelper output)
    {
        _output = output;
        _hub = new FakeHub(server, server.NewScope(), Repo);
    }

    public void Dispose() => _store.Dispose();

    private string RepoDir => Path.Combine(_store.Root, "hub", "models--acme--sentiment-mini");

    private static List<HubFile> Files(string config = "{\"model_type\": \"distilbert\"}\n") =>
    [
        new("config.json", Encoding.UTF8.GetBytes(config), Lfs: false),
        new("tokenizer/vocab.txt", Encoding.UTF8.GetBytes("[PAD]\n[UNK]\nhello\n"), Lfs: false),
        new("model.safetensors", RandomNumberGenerator.GetBytes(1 << 20), Lfs: true),
    ];

    private string Manifest(string revision = "main", int keepVersions = 1, string name = "sentiment")
    {
        var path = Path.Combine(_store.Dir, $"hub-{name}.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {_store.Root}
              keepVersions: {keepVersions}
            sync:
              retry: {"{"} maxAttempts: 3, baseDelay: 50ms, maxDelay: 1s {"}"}
              hfEndpoint: {_hub.Endpoint}
            models:
              - name: {name}
                source: hf://{Repo}@{revision}
            """);
        return path;
    }

    private async Task SyncAsync(string manifest) => Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, _output)).ExitCode);

    private Task<string> ClientAsync(params ViewRevision[] revisions) =>
        HubJsClient.CheckAsync(Path.Combine(_store.Root, "hub"), Repo, revisions, _output);

    private string? Link(string relative) => new FileInfo(Path.Combine(RepoDir, relative)).LinkTarget;

    [Fact]
    public async Task Sync_HubModel_ViewLinksRefSnapshotAndBlobsIntoTheVersion()
    {
        var files = Files();
        var commit = _hub.Commit("main", files);

        await SyncAsync(Manifest());

        Assert.Equal(commit, File.ReadAllText(Path.Combine(RepoDir, "refs", "main")));
        var config = HubFile.GitBlobId(files[0].Content);
        var vocab = HubFile.GitBlobId(files[1].Content);
        Assert.Equal($"../../blobs/{config}", Link($"snapshots/{commit}/config.json"));
        Assert.Equal($"../../../blobs/{vocab}", Link($"snapshots/{commit}/tokenizer/vocab.txt"));
        Assert.Equal($"../../blobs/{files[2].Sha256}", Link($"snapshots/{commit}/model.safetensors"));
        Assert.Equal($"../../../models/sentiment/{commit}/model.safetensors", Link($"blobs/{files[2].Sha256}"));
        Assert.Equal($"../../../models/sentiment/{commit}/tokenizer/vocab.txt", Link($"blobs/{vocab}"));
        // Links only: the bytes read through the view are the version's own file, no second copy.
        Assert.Equal(new FileInfo(Path.Combine(_store.VersionDir("sentiment", commit), "model.safetensors")).FullName,
            new FileInfo(Path.Combine(RepoDir, "snapshots", commit, "model.safetensors")).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        Assert.Equal(["blobs", "refs", "snapshots"], Directory.EnumerateFileSystemEntries(RepoDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var seen = await ClientAsync(new ViewRevision(commit, ["main"], files));
        Assert.Contains("downloadedOffline", seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncThenGc_BranchMoved_RefSwitchesAndTheOldSnapshotLeavesWithItsVersion()
    {
        var firstFiles = Files();
        var first = _hub.Commit("main", firstFiles);
        var manifest = Manifest(keepVersions: 0);
        await SyncAsync(manifest);
        var secondFiles = Files("{\"model_type\": \"distilbert\", \"v\": 2}\n");
        secondFiles[1] = firstFiles[1];
        var second = _hub.Commit("main", secondFiles);

        await SyncAsync(manifest);

        // Both versions are on disk until GC: both snapshots, the ref on the new commit, a shared blob in the current version.
        Assert.Equal(second, File.ReadAllText(Path.Combine(RepoDir, "refs", "main")));
        Assert.Equal($"../../../models/sentiment/{second}/tokenizer/vocab.txt", Link($"blobs/{HubFile.GitBlobId(firstFiles[1].Content)}"));
        await ClientAsync(new ViewRevision(first, [], firstFiles), new ViewRevision(second, ["main"], secondFiles));

        Assert.Equal(0, (await DaemonRunner.RunAsync(_output, "gc", "--manifest", manifest)).ExitCode);

        Assert.False(Directory.Exists(_store.VersionDir("sentiment", first)));
        Assert.Equal([second], Directory.EnumerateFileSystemEntries(Path.Combine(RepoDir, "snapshots")).Select(Path.GetFileName));
        Assert.Null(Link($"blobs/{HubFile.GitBlobId(firstFiles[0].Content)}"));
        Assert.Null(Link($"blobs/{firstFiles[2].Sha256}"));
        await ClientAsync(new ViewRevision(second, ["main"], secondFiles));
    }

    [Fact]
    public async Task VerifyThenSync_DamagedVersion_LeavesTheViewAndTheRepairBringsItBack()
    {
        var files = Files();
        var commit = _hub.Commit("main", files);
        var manifest = Manifest();
        await SyncAsync(manifest);
        var config = Path.Combine(_store.VersionDir("sentiment", commit), "config.json");
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(config, "{\"model_type\": \"tampered!!!\"}\n");

        Assert.Equal(1, (await DaemonRunner.RunAsync(_output, "verify", "--manifest", manifest)).ExitCode);

        // A condemned version is not offered: its repository had no other version, so it leaves the view whole
        // (no ref naming a commit that is not there).
        Assert.False(Path.Exists(RepoDir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_store.Root, "hub")));

        await SyncAsync(manifest);

        Assert.Equal(commit, File.ReadAllText(Path.Combine(RepoDir, "refs", "main")));
        await ClientAsync(new ViewRevision(commit, ["main"], files));
    }

    [Fact]
    public async Task Verify_TamperedView_IsRemadeFromTheMarkers()
    {
        var files = Files();
        var commit = _hub.Commit("main", files);
        var manifest = Manifest();
        await SyncAsync(manifest);
        var outside = Path.Combine(_store.Dir, "outside.json");
        File.WriteAllText(outside, "{\"planted\": true}\n");
        File.Delete(Path.Combine(RepoDir, "snapshots", commit, "config.json"));
        File.CreateSymbolicLink(Path.Combine(RepoDir, "snapshots", commit, "config.json"), outside);
        File.Delete(Path.Combine(RepoDir, "blobs", files[2].Sha256));
        File.WriteAllText(Path.Combine(RepoDir, "refs", "main"), "0000000000000000000000000000000000000000");
        File.WriteAllText(Path.Combine(RepoDir, "refs", "stray"), commit);

        Assert.Equal(0, (await DaemonRunner.RunAsync(_output, "verify", "--manifest", manifest)).ExitCode);

        Assert.Equal($"../../blobs/{HubFile.GitBlobId(files[0].Content)}", Link($"snapshots/{commit}/config.json"));
        Assert.Equal("{\"planted\": true}\n", File.ReadAllText(outside));
        Assert.Equal(["main"], Directory.EnumerateFileSystemEntries(Path.Combine(RepoDir, "refs")).Select(Path.GetFileName));
        await ClientAsync(new ViewRevision(commit, ["main"], files));
    }

    [Fact]
    public async Task Sync_PinnedCommit_SnapshotWithoutARefAsTheHubClientWritesIt()
    {
        var files = Files();
        var commit = _hub.Commit("main", files);

        await SyncAsync(Manifest(revision: commit));

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(RepoDir, "refs")));
        await ClientAsync(new ViewRevision(commit, [], files));
    }

    [Fact]
    public async Task Gc_OneOfTwoModelsOfARepositoryLeaves_BlobsLinkIntoTheOneThatStays()
    {
        var files = Files();
        var commit = _hub.Commit("main", files);
        var stays = Manifest(name: "stays");
        await SyncAsync(stays);
        await SyncAsync(Manifest(name: "leaves"));
        // Both are current at one commit: one snapshot, its blobs in the newer version.
        Assert.Equal($"../../../models/leaves/{commit}/model.safetensors", Link($"blobs/{files[2].Sha256}"));

        Assert.Equal(0, (await DaemonRunner.RunAsync(_output, "gc", "--manifest", stays)).ExitCode);

        Assert.False(Directory.Exists(_store.Layout.ModelDir("leaves")));
        Assert.Equal($"../../../models/stays/{commit}/model.safetensors", Link($"blobs/{files[2].Sha256}"));
        await ClientAsync(new ViewRevision(commit, ["main"], files));
    }
}

using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Hub;

/// <summary><c>source: hf://…</c> against a fake hub that answers in the real hub's shapes and headers.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class HubSourceTests : IDisposable
{
    private const string Repo = "acme/sentiment-mini";
    private readonly FaultServer _server;
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly FakeHub _hub;
    private readonly string _token;

    public HubSourceTests(FaultServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
        _hub = new FakeHub(server, server.NewScope(), Repo);
        _token = Path.Combine(_store.Dir, "hf-token");
        File.WriteAllText(_token, "hf_test_token\n");
    }

    public void Dispose()
    {
        foreach (var r in _hub.Requests)
        {
            _output.WriteLine($"[hub] {r}");
        }

        _store.Dispose();
    }

    private static List<HubFile> Files() =>
    [
        new("config.json", Encoding.UTF8.GetBytes("{\"model_type\": \"distilbert\"}\n"), Lfs: false),
        new("tokenizer/vocab.txt", Encoding.UTF8.GetBytes("[PAD]\n[UNK]\nhello\n"), Lfs: false),
        new("model.safetensors", RandomNumberGenerator.GetBytes(3 << 20), Lfs: true),
        new("onnx/model.onnx", RandomNumberGenerator.GetBytes(1 << 20), Lfs: true),
        new("README.md", Encoding.UTF8.GetBytes("# sentiment-mini\n"), Lfs: false),
    ];

    private string Manifest(string source, string extra = "", string? endpoint = null, bool auth = true, string stallTimeout = "5s")
    {
        var path = Path.Combine(_store.Dir, "hub.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {_store.Root}
              keepVersions: 1
            sync:
              retry: {"{"} maxAttempts: 3, baseDelay: 50ms, maxDelay: 1s {"}"}
              stallTimeout: {stallTimeout}
            {(endpoint is null ? "" : $"  hfEndpoint: {endpoint}\n")}models:
              - name: sentiment
                source: {source}
            {(auth ? $"    auth: {{ bearerTokenFile: {_token} }}\n" : "")}{extra}
            """);
        return path;
    }

    private Task<DaemonResult> SyncAsync(string manifest) => DaemonRunner.SyncAsync(manifest, _output);

    [Fact]
    public async Task Sync_HubModel_CommitIsTheVersionAndSelectedFilesArePublishedVerified()
    {
        var files = Files();
        var commit = _hub.Commit("main", files);
        var manifest = Manifest($"hf://{Repo}@main", "    include: [\"*.json\", \"*.safetensors\", \"tokenizer/\"]\n    exclude: [\"onnx/*\"]", _hub.Endpoint);

        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        var entry = _store.Entry("sentiment");
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Equal(commit, entry.Version);
        const string key = $"hf://{Repo}@main?include=*.json,*.safetensors,tokenizer/*&exclude=onnx/*";
        Assert.Equal(key, entry.Source);
        string[] selected = ["config.json", "model.safetensors", "tokenizer/vocab.txt"];
        Assert.Equal(selected, entry.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        foreach (var file in files.Where(f => selected.Contains(f.Path)))
        {
            Assert.Equal(file.Content, File.ReadAllBytes(Path.Combine(_store.VersionDir("sentiment", commit), file.Path)));
        }

        Assert.Equal(key, MarkerFile.TryRead(_store.VersionDir("sentiment", commit))?.Source);
        Assert.Equal($"../models/sentiment/{commit}", _store.CurrentTarget("sentiment"));
        // Excluded files are never asked for; the tree took several pages.
        Assert.DoesNotContain(_hub.Requests, r => r.Path.Contains("onnx", StringComparison.Ordinal) || r.Path.Contains("README", StringComparison.Ordinal));
        Assert.True(_hub.Requests.Count(r => r.Path.Contains("/tree/", StringComparison.Ordinal)) >= 3, "the tree is paged (Link: rel=next)");
    }

    [Fact]
    public async Task Sync_HubModel_TokenGoesToTheHubButNotToTheCdn()
    {
        var commit = _hub.Commit("main", Files());

        Assert.Equal(0, (await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint))).ExitCode);

        var hubRequests = _hub.Requests.Where(r => r.Host.StartsWith("127.0.0.1", StringComparison.Ordinal)).ToList();
        var cdnRequests = _hub.Requests.Where(r => r.Host.StartsWith("localhost", StringComparison.Ordinal)).ToList();
        Assert.All(hubRequests, r => Assert.Equal("Bearer hf_test_token", r.Authorization));
        Assert.NotEmpty(cdnRequests);
        Assert.All(cdnRequests, r => Assert.Null(r.Authorization));
        Assert.Contains(hubRequests, r => r.Path == _hub.ResolvePath(commit, "model.safetensors") && r.Status == 302);
    }

    [Fact]
    public async Task Sync_BranchMoved_NewCommitIsANewVersionAndTheOldOneIsKept()
    {
        var first = _hub.Commit("main", Files());
        var manifest = Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint);
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);

        var second = _hub.Commit("main", Files());
        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(second, _store.Entry("sentiment").Version);
        Assert.Equal($"../models/sentiment/{second}", _store.CurrentTarget("sentiment"));
        Assert.NotNull(MarkerFile.TryRead(_store.VersionDir("sentiment", first)));
    }

    [Fact]
    public async Task Sync_NewCommitChangingOnlyTheConfig_UnchangedLfsAndGitFilesNotFetchedAgain()
    {
        var files = Files();
        var first = _hub.Commit("main", files);
        var manifest = Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint);
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);
        files[0] = files[0] with { Content = Encoding.UTF8.GetBytes("{\"model_type\": \"bert\"}\n") };
        var second = _hub.Commit("main", files);
        var before = _hub.Requests.Count;

        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        var resolved = _hub.Requests.Skip(before).Where(r => r.Path.Contains("/resolve/", StringComparison.Ordinal)).Select(r => r.Path).Distinct();
        Assert.Equal([_hub.ResolvePath(second, "config.json")], resolved);
        var entry = _store.Entry("sentiment");
        Assert.Equal(second, entry.Version);
        foreach (var file in files)
        {
            Assert.Equal(file.Content, File.ReadAllBytes(Path.Combine(_store.VersionDir("sentiment", second), file.Path)));
        }

        Assert.Equal(HubFile.GitBlobId(files[4].Content), Assert.Single(entry.Files, f => f.Path == "README.md").GitBlobSha1);
        Assert.NotNull(MarkerFile.TryRead(_store.VersionDir("sentiment", first)));
    }

    [Fact]
    public async Task VerifyThenSync_DamagedGitFileOfAHubModel_OnlyThatFileFetchedAgain()
    {
        var commit = _hub.Commit("main", Files());
        var manifest = Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint);
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);
        var readme = Path.Combine(_store.VersionDir("sentiment", commit), "README.md");
        File.SetUnixFileMode(readme, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(readme, "# tampered!!!!!!\n");

        var verify = await DaemonRunner.RunAsync(_output, "verify", "--manifest", manifest);
        var before = _hub.Requests.Count;
        var result = await SyncAsync(manifest);

        Assert.Equal(1, verify.ExitCode);
        Assert.Equal(0, result.ExitCode);
        var resolved = _hub.Requests.Skip(before).Where(r => r.Path.Contains("/resolve/", StringComparison.Ordinal)).Select(r => r.Path).Distinct();
        Assert.Equal([_hub.ResolvePath(commit, "README.md")], resolved);
        Assert.Equal("# sentiment-mini\n", File.ReadAllText(readme));
    }

    [Fact]
    public async Task Sync_HubDownAfterAReadySync_KeepsTheResolvedCommitReady()
    {
        var commit = _hub.Commit("main", Files());
        var manifest = Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint);
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);

        _hub.RevisionFault = r => r.Status(503);
        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"keeping {commit}", result.Output, StringComparison.Ordinal);
        var entry = _store.Entry("sentiment");
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Equal(commit, entry.Version);
    }

    [Fact]
    public async Task Sync_HubUnreachableOnFirstSync_FailsSourceUnreachableAfterRetries()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: connection refused

        var result = await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: $"http://127.0.0.1:{port}/"));

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("sentiment");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("SourceUnreachable", entry.Error?.Reason);
        Assert.Equal("main", entry.Version);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(result.Output, "resolving hf://acme/sentiment-mini@main, attempt"));
    }

    [Fact]
    public async Task Sync_HubAnswersNothing_StalledInsteadOfHanging()
    {
        _hub.Commit("main", Files());
        _hub.RevisionFault = r => Task.Delay(TimeSpan.FromSeconds(30), r.Aborted);
        var manifest = Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint, stallTimeout: "500ms");

        var result = await SyncAsync(manifest);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Stalled", _store.Entry("sentiment").Error?.Reason);
    }

    [Fact]
    public async Task Sync_GitFileServedWithOtherBytesOfTheSameSize_FailsChecksumMismatchOnTheBlobId()
    {
        var files = Files();
        _hub.Commit("main", files);
        var config = files[0].Content;
        _hub.Tampered["config.json"] = [.. config.Select((b, i) => i == 3 ? (byte)(b ^ 1) : b)];

        var result = await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint));

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("sentiment");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("ChecksumMismatch", entry.Error?.Reason);
        Assert.Contains("git blob sha1", entry.Error?.Message, StringComparison.Ordinal);
        Assert.Null(_store.CurrentTarget("sentiment"));
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData(".modelsync.json")]
    public async Task Sync_HubListsAPathTheStoreCannotHold_FailsSourceInvalidFetchingNoFile(string path)
    {
        _hub.Commit("main", [.. Files(), new HubFile(path, [1, 2, 3], Lfs: false)]);

        var result = await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint));

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("sentiment");
        Assert.Equal("SourceInvalid", entry.Error?.Reason);
        Assert.Contains($"'{path}'", entry.Error?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_store.Dir, "escape.bin")));
    }

    [Theory]
    [InlineData("<http://a:b:c/>; rel=\"next\"")]
    [InlineData("<ftp://127.0.0.1/x>; rel=\"next\"")]
    [InlineData("SELF")]
    public async Task Sync_TreeLinkBrokenOrLooping_FailsTheModelNotThePass(string link)
    {
        var commit = _hub.Commit("main", Files());
        // SELF: every page names itself as the next one.
        _hub.LinkOverride = query => link == "SELF" ? $"<{_hub.Endpoint}api/models/{Repo}/tree/{commit}{query}>; rel=\"next\"" : link;

        var result = await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Reconcile finished: 0 ready, 1 failed", result.Output, StringComparison.Ordinal);
        var entry = _store.Entry("sentiment");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Contains("not the JSON the hub API sends", entry.Error?.Message, StringComparison.Ordinal);
        Assert.True(_hub.Requests.Count(r => r.Path.Contains("/tree/", StringComparison.Ordinal)) <= 3 * 2, "bounded: at most two pages per attempt");
    }

    [Fact]
    public async Task Sync_ManifestPointsAtAnotherHub_EnvironmentTokenStaysHome()
    {
        _hub.Commit("main", Files());
        var info = DaemonRunner.StartInfo("sync", "--manifest", Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint, auth: false));
        info.Environment["HF_TOKEN"] = "hf_node_secret"; // meant for huggingface.co (no HF_ENDPOINT set)
        info.Environment.Remove("HF_ENDPOINT");

        using var process = new DaemonProcess(info, _output);
        var result = await process.WaitAsync(DaemonRunner.HangGuard);

        Assert.Equal(0, result.ExitCode);
        Assert.NotEmpty(_hub.Requests);
        Assert.All(_hub.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Sync_TokenRevokedAfterAReadySync_FailsUnauthorizedInsteadOfKeeping()
    {
        var commit = _hub.Commit("main", Files());
        var manifest = Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint);
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);

        _hub.RevisionFault = r => r.Status(403);
        var result = await SyncAsync(manifest);

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("sentiment");
        Assert.Equal("Unauthorized", entry.Error?.Reason);
        Assert.Equal(commit, entry.Previous?.Version); // still served to unpinned gates
    }

    [Fact]
    public async Task Sync_IncludeChangedWhileTheHubIsDown_NotTakenForTheFilesOnDisk()
    {
        _hub.Commit("main", Files());
        Assert.Equal(0, (await SyncAsync(Manifest($"hf://{Repo}@main", "    include: [\"*.json\"]", _hub.Endpoint))).ExitCode);

        _hub.RevisionFault = r => r.Status(503);
        var result = await SyncAsync(Manifest($"hf://{Repo}@main", "    include: [\"*.json\", \"*.safetensors\"]", _hub.Endpoint));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(ModelState.Failed, _store.Entry("sentiment").State);
        Assert.Equal($"hf://{Repo}@main?include=*.json,*.safetensors", _store.Entry("sentiment").Source);
    }

    [Fact]
    public async Task Sync_HubListsPathsDifferingOnlyByCase_FailsSourceInvalid()
    {
        _hub.Commit("main", [.. Files(), new HubFile("Config.json", [1], Lfs: false)]);

        var result = await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("SourceInvalid", _store.Entry("sentiment").Error?.Reason);
        Assert.Contains("differ only by case", _store.Entry("sentiment").Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_HubRateLimited_WaitsForTheResetItAnnounced()
    {
        _hub.Commit("main", Files());
        _hub.RevisionFault = r =>
        {
            if (r.Attempt > 0)
            {
                return null;
            }

            r.Response.Headers["RateLimit"] = "\"api\";r=0;t=1";
            return r.Status(429);
        };

        var result = await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint));

        Assert.Equal(0, result.ExitCode);
        var asks = _hub.Requests.Where(r => r.Path == _hub.RevisionPath("main")).ToList();
        Assert.Equal(2, asks.Count);
        Assert.True(asks[1].At - asks[0].At >= TimeSpan.FromMilliseconds(900), "the retry honoured RateLimit t=1 over baseDelay 50ms");
    }

    [Fact]
    public async Task Sync_GatedRepoRefusesTheToken_FailsUnauthorizedWithTheHubsReason()
    {
        _hub.Commit("main", Files());
        _hub.RevisionFault = r =>
        {
            r.Response.Headers["X-Error-Code"] = "GatedRepo";
            r.Response.Headers["X-Error-Message"] = "Access to model acme/sentiment-mini is restricted.";
            return r.Status(401);
        };

        var result = await SyncAsync(Manifest($"hf://{Repo}@main", endpoint: _hub.Endpoint));

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("sentiment");
        Assert.Equal("Unauthorized", entry.Error?.Reason);
        Assert.Contains("is restricted", entry.Error?.Message, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN", entry.Error?.Message, StringComparison.Ordinal);
        Assert.Single(_hub.Requests, r => r.Path == _hub.RevisionPath("main"));
    }

    [Fact]
    public async Task Sync_EndpointAndTokenFromEnvironment_AsHuggingfaceHubUsersSetThem()
    {
        var commit = _hub.Commit("v1.0", Files());
        var manifest = Manifest($"hf://{Repo}@v1.0", auth: false);
        var info = DaemonRunner.StartInfo("sync", "--manifest", manifest);
        info.Environment["HF_ENDPOINT"] = _hub.Endpoint.TrimEnd('/');
        info.Environment["HF_TOKEN"] = "hf_from_env";

        using var process = new DaemonProcess(info, _output);
        var result = await process.WaitAsync(DaemonRunner.HangGuard);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(commit, _store.Entry("sentiment").Version);
        Assert.All(_hub.Requests.Where(r => r.Host.StartsWith("127.0.0.1", StringComparison.Ordinal)), r => Assert.Equal("Bearer hf_from_env", r.Authorization));
    }
}

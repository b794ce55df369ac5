using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Daemon.Sources.Listed;

namespace ModelSync.Daemon.Tests.Manifest;

public sealed class ManifestLoaderTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    internal static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "Manifest", "TestData", name);

    internal static ManifestLoadResult Load(string yaml) => ManifestLoader.LoadFromText(yaml.ReplaceLineEndings("\n"), "t.yaml", SourceKinds.Create().Syntax);

    [Fact]
    public void Load_FullManifest_EveryValue()
    {
        var result = ManifestLoader.Load(TestData("full.yaml"), SourceKinds.Create().Syntax);

        Assert.Empty(result.Problems);
        var m = Assert.IsType<ModelManifest>(result.Manifest);
        Assert.Equal(TestData("full.yaml"), m.SourcePath);
        Assert.Equal(new StoreSettings { Root = "/var/lib/k3s-storage/ml-models", Capacity = 10L << 30, Reserve = 2L << 30, KeepVersions = 3 }, m.Store);
        Assert.Equal(TimeSpan.FromMinutes(90), m.Sync.Interval);
        Assert.Equal(4, m.Sync.Concurrency);
        Assert.Equal(new RetrySettings { MaxAttempts = 7, BaseDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromMinutes(2) }, m.Sync.Retry);
        Assert.Equal(TimeSpan.FromSeconds(45), m.Sync.StallTimeout);
        Assert.Equal(100_000_000, m.Sync.BandwidthLimit);
        Assert.Equal(new Uri("http://127.0.0.1:65001"), m.Sync.Proxy);
        Assert.Equal(TimeSpan.FromHours(24), m.Sync.VerifyInterval);
        Assert.Equal(32L << 20, m.Sync.SegmentSize);
        Assert.Equal(["/mnt/models", "/srv/models"], m.Sync.AllowedFileRoots);
        Assert.Equal(8, m.Sync.SegmentsPerFile);

        Assert.Equal(2, m.Models.Count);
        var finbert = m.Models[0];
        Assert.Equal(("finbert", "2024-06"), (finbert.Name, finbert.Version));
        Assert.Equal("https://huggingface.co/ProsusAI/finbert/resolve/4556d13/", Assert.IsType<ListedSpec>(finbert.Source).BaseUrl!.AbsoluteUri);
        Assert.Equal("/etc/modelsync/secrets/hf-token", ((ListedSpec)finbert.Source).BearerTokenFile);
        Assert.Equal(758 + 437992753, finbert.TotalBytes);
        var config = finbert.Files[0];
        Assert.Equal(("config.json", 758L, Sha, (string?)null), (config.Path, config.Size, config.Sha256, config.Xxh128));
        Assert.Equal("https://huggingface.co/ProsusAI/finbert/resolve/4556d13/config.json", config.Url.AbsoluteUri);
        var weights = finbert.Files[1];
        Assert.Equal("https://mirror.example/finbert.bin", weights.Url.AbsoluteUri);
        Assert.Equal(Sha, weights.Sha256); // upper case normalized
        Assert.Equal("0123456789abcdef0123456789abcdef", weights.Xxh128);

        var minilm = m.Models[1];
        Assert.Equal("v2.1", minilm.Version);
        Assert.Null(Assert.IsType<ListedSpec>(minilm.Source).BearerTokenFile);
        var onnx = Assert.Single(minilm.Files);
        Assert.Equal(1L << 30, onnx.Size);
        Assert.Equal("file:///mnt/models/minilm/onnx/model%20file%231.onnx", onnx.Url.AbsoluteUri);
    }

    [Fact]
    public void Load_MinimalManifest_Defaults()
    {
        var result = Load("""
            models:
              - name: m
                version: "1"
                baseUrl: http://127.0.0.1:65001/m
                files: [{ path: a, size: 0, xxh128: 0123456789abcdef0123456789abcdef }]
            """);

        var m = Assert.IsType<ModelManifest>(result.Manifest);
        Assert.Equal(new StoreSettings { Root = ManifestDefaults.Root }, m.Store);
        Assert.Null(m.Store.Capacity);
        Assert.Equal(ManifestDefaults.Reserve, m.Store.Reserve);
        Assert.Equal(new SyncSettings(), m.Sync);
        Assert.Equal((ManifestDefaults.Interval, ManifestDefaults.Concurrency, 0L, (Uri?)null, (TimeSpan?)null),
            (m.Sync.Interval, m.Sync.Concurrency, m.Sync.BandwidthLimit, m.Sync.Proxy, m.Sync.VerifyInterval));
        Assert.Equal((ManifestDefaults.MaxAttempts, ManifestDefaults.BaseDelay, ManifestDefaults.MaxDelay),
            (m.Sync.Retry.MaxAttempts, m.Sync.Retry.BaseDelay, m.Sync.Retry.MaxDelay));
        Assert.Equal("http://127.0.0.1:65001/m/a", m.Models[0].Files[0].Url.AbsoluteUri);
    }

    [Fact]
    public void Load_EmptyModelListAndOffSwitches_Valid()
    {
        var result = Load("""
            sync: { proxy: "", verifyInterval: 0, bandwidthLimit: 0 }
            models: []
            """);

        Assert.Empty(result.Problems);
        Assert.Null(result.Manifest!.Sync.Proxy);
        Assert.Null(result.Manifest.Sync.VerifyInterval);
        Assert.Empty(result.Manifest.Models);
    }

    [Fact]
    public void Load_ManyProblems_AllReportedInDocumentOrder()
    {
        var result = ManifestLoader.Load(TestData("bad.yaml"), SourceKinds.Create().Syntax);

        Assert.Null(result.Manifest);
        var file = TestData("bad.yaml");
        Assert.Equal(
        [
            $"{file}:2:9: store.root: must be an absolute path, got 'models'",
            $"{file}:4:16: sync.concurrency: must be between 1 and 64, got 100",
            $"{file}:6:11: models[0].name: must be a DNS-1123 label (lowercase letters, digits and '-', alphanumeric at both ends, at most 63 characters), got 'FinBERT'",
            $"{file}:9:9: models[0].files[0].url: is required when the model has no baseUrl",
            $"{file}:9:15: models[0].files[0].path: path '../config.json' has a '..' segment",
            $"{file}:11:17: models[0].files[0].sha256: must be 64 hex characters, got 'abc' (3 characters)",
        ], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Load_MissingFile_ProblemWithoutPosition()
    {
        var result = ManifestLoader.Load("/nonexistent/models.yaml", SourceKinds.Create().Syntax);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("/nonexistent/models.yaml", 0, 0), (problem.File, problem.Line, problem.Column));
        Assert.StartsWith("/nonexistent/models.yaml: cannot read the manifest: ", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("15%", 0L, 15.0, 15_000L)]
    [InlineData("2.5%", 0L, 2.5, 2_500L)]
    [InlineData("0%", 0L, 0.0, 0L)]
    [InlineData("20Gi", 20L << 30, 0.0, 20L << 30)]
    public void Load_Reserve_BytesOrShareOfTheFilesystem(string text, long bytes, double percent, long ofHundredThousand)
    {
        var result = Load($"store:\n  reserve: {text}\nmodels: []\n");

        var reserve = Assert.IsType<ModelManifest>(result.Manifest).Store.Reserve;
        Assert.Equal((bytes, percent, ofHundredThousand), (reserve.Bytes, reserve.Percent, reserve.BytesOf(100_000)));
    }
}

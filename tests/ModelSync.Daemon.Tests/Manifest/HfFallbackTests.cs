using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources.Hub;

namespace ModelSync.Daemon.Tests.Manifest;

/// <summary><c>sync.hfFallback</c>: what a node does when its hub endpoint (a hub-cache) does not answer.</summary>
public sealed class HfFallbackTests
{
    private static SyncSettings Sync(string value)
    {
        var result = ManifestLoaderTests.Load($"sync:\n  hfEndpoint: http://hub-cache:8080\n  hfFallback: {value}\nmodels: []");
        Assert.Empty(result.Problems);
        return result.Manifest!.Sync;
    }

    [Fact]
    public void Load_NoHfFallback_FailsWithoutFallback()
    {
        Assert.Null(ManifestLoaderTests.Load("models: []").Manifest!.Sync.Source<HubSettings>().Fallback);
    }

    [Theory]
    [InlineData("fail", null)]
    [InlineData("\"\"", null)]
    [InlineData("origin", "https://huggingface.co/")]
    [InlineData("https://hf-mirror.example/", "https://hf-mirror.example/")]
    [InlineData("http://127.0.0.1:8000/hub", "http://127.0.0.1:8000/hub")]
    public void Load_HfFallbackValue_Endpoint(string value, string? expected)
    {
        Assert.Equal(expected, Sync(value).Source<HubSettings>().Fallback?.AbsoluteUri);
    }

    [Theory]
    [InlineData("sometimes", "t.yaml:2:15: sync.hfFallback: must be fail, origin or an http(s) URL, got 'sometimes'")]
    [InlineData("Origin", "t.yaml:2:15: sync.hfFallback: must be fail, origin or an http(s) URL, got 'Origin'")]
    [InlineData("ftp://mirror", "t.yaml:2:15: sync.hfFallback: must be an absolute http or https URL, got 'ftp://mirror'")]
    [InlineData("https://user:pw@hub.example", "t.yaml:2:15: sync.hfFallback: must not contain credentials (user:password@); use auth.bearerTokenFile")]
    public void Load_BadHfFallback_FileLineFieldProblem(string value, string expected)
    {
        var result = ManifestLoaderTests.Load($"sync:\n  hfFallback: {value}\nmodels: []");

        Assert.Null(result.Manifest);
        Assert.Equal([expected], result.Problems.Select(p => p.ToString()));
    }
}

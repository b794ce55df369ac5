using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Tests.Failures;

/// <summary>A file whose kind gave it a change probe (an S3 object: a signed HEAD) is asked through it, not by a HEAD of its URL.</summary>
public sealed class SourceProbeTests
{
    [Fact]
    public async Task ValidatorAsync_FileWithTheKindsProbe_TheProbesAnswer()
    {
        using var http = new HttpClient();
        var spec = new FileSpec { Path = "a", Url = new Uri("file:///nonexistent/a"), Size = 1 };
        var file = new ResolvedFile(spec, null) { Probe = _ => Task.FromResult<string?>("etag=abc version=- length=1") };

        Assert.Equal("etag=abc version=- length=1", await new SourceProbe(new HttpSource(http), TimeSpan.FromSeconds(1)).ValidatorAsync(file, CancellationToken.None));
    }

    [Fact]
    public async Task ValidatorAsync_FileUrlWithoutProbe_ItsMtimeAndSize()
    {
        using var http = new HttpClient();
        var spec = new FileSpec { Path = "a", Url = new Uri("file:///nonexistent/a"), Size = 1 };

        Assert.Equal("missing", await new SourceProbe(new HttpSource(http), TimeSpan.FromSeconds(1)).ValidatorAsync(new ResolvedFile(spec, null), CancellationToken.None));
    }
}

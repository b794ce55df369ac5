using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sources.Hub;

namespace ModelSync.Daemon.Tests.Sources.Hub;

/// <summary>Which failures of the hub endpoint send a node to sync.hfFallback, and what a failure then says.</summary>
public sealed class HubFallbackTests
{
    private static readonly Uri Cache = new("http://hub-cache:8080/");

    [Theory]
    [InlineData(FailureReason.SourceUnreachable, true)]
    [InlineData(FailureReason.Stalled, true)]
    [InlineData(FailureReason.HttpStatus, false)]
    [InlineData(FailureReason.Unauthorized, false)]
    [InlineData(FailureReason.SourceInvalid, false)]
    public void IsDown_Reason_OnlyASilentEndpoint(FailureReason reason, bool down)
    {
        Assert.Equal(down, HubFallback.IsDown(new DownloadException(reason, "x", transient: true)));
    }

    [Fact]
    public void NoFallback_EndpointDown_NamesItKeepsReasonAndTransience()
    {
        var inner = new DownloadException(FailureReason.SourceUnreachable, "http://hub-cache:8080/api/models/a/b/revision/main: Connection refused", transient: true);

        var ex = HubFallback.NoFallback(Cache, inner);

        Assert.Equal((FailureReason.SourceUnreachable, true), (ex.Reason, ex.Transient));
        Assert.StartsWith("hub endpoint http://hub-cache:8080/ does not answer and sync.hfFallback is fail: http://hub-cache:8080/api/", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BothDown_FallbackFailsToo_NamesBothAndKeepsTheFallbacksReason()
    {
        var first = new DownloadException(FailureReason.Stalled, "no answer in 30s", transient: true);
        var second = new DownloadException(FailureReason.Unauthorized, "HTTP 401", transient: false);

        var ex = HubFallback.BothDown(Cache, first, new Uri("https://huggingface.co"), second);

        Assert.Equal((FailureReason.Unauthorized, false), (ex.Reason, ex.Transient));
        Assert.Equal("hub endpoint http://hub-cache:8080/ does not answer (no answer in 30s), nor does the fallback https://huggingface.co/: HTTP 401", ex.Message);
    }
}

using System.Net;
using System.Net.Http.Headers;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class ResponseCheckTests
{
    private const long Size = 1000;
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ForStream_PartialWithMatchingRange_ContinuesWithStrongETag()
    {
        using var response = Response(HttpStatusCode.PartialContent, length: 600, range: new ContentRangeHeaderValue(400, 999, Size), etag: "\"v1\"");

        var verdict = ResponseCheck.ForStream(response, offset: 400, Size, Now);

        Assert.Equal(ResponseOutcome.Continue, verdict.Outcome);
        Assert.Equal("\"v1\"", verdict.Validator);
    }

    [Fact]
    public void ForStream_PartialWithUnknownTotal_Continues()
    {
        using var response = Response(HttpStatusCode.PartialContent, length: 600, range: new ContentRangeHeaderValue(400, 999));

        Assert.Equal(ResponseOutcome.Continue, ResponseCheck.ForStream(response, offset: 400, Size, Now).Outcome);
    }

    [Fact]
    public void ForStream_PartialWithOtherTotal_SizeMismatchStartingOver()
    {
        using var response = Response(HttpStatusCode.PartialContent, length: 600, range: new ContentRangeHeaderValue(400, 999, 2000));

        var verdict = ResponseCheck.ForStream(response, offset: 400, Size, Now);

        AssertFail(verdict, FailureReason.SizeMismatch, "server has 2000 bytes, manifest says 1000", transient: true, startOver: true);
    }

    [Fact]
    public void ForStream_PartialWithWrongStart_SourceUnreachableStartingOver()
    {
        using var response = Response(HttpStatusCode.PartialContent, length: 500, range: new ContentRangeHeaderValue(500, 999, Size));

        var verdict = ResponseCheck.ForStream(response, offset: 400, Size, Now);

        AssertFail(verdict, FailureReason.SourceUnreachable, "server answered with a different range than asked", transient: true, startOver: true);
    }

    [Fact]
    public void ForStream_PartialWithoutContentRange_SourceUnreachableStartingOver()
    {
        using var response = Response(HttpStatusCode.PartialContent, length: 600);

        var verdict = ResponseCheck.ForStream(response, offset: 400, Size, Now);

        AssertFail(verdict, FailureReason.SourceUnreachable, "server answered with a different range than asked", transient: true, startOver: true);
    }

    [Fact]
    public void ForStream_OkToRangedRequest_RestartsFromZeroWithNewValidator()
    {
        using var response = Response(HttpStatusCode.OK, length: Size, etag: "\"v2\"");

        var verdict = ResponseCheck.ForStream(response, offset: 400, Size, Now);

        Assert.Equal(ResponseOutcome.RestartFromZero, verdict.Outcome);
        Assert.Equal("\"v2\"", verdict.Validator);
    }

    [Fact]
    public void ForStream_OkFromZero_Continues()
    {
        using var response = Response(HttpStatusCode.OK, length: null);

        Assert.Equal(ResponseOutcome.Continue, ResponseCheck.ForStream(response, offset: 0, Size, Now).Outcome);
    }

    [Fact]
    public void ForStream_OkFromZeroWithOtherLength_SizeMismatchKeepingState()
    {
        using var response = Response(HttpStatusCode.OK, length: 999);

        var verdict = ResponseCheck.ForStream(response, offset: 0, Size, Now);

        AssertFail(verdict, FailureReason.SizeMismatch, "server sends 999 bytes, manifest says 1000", transient: true, startOver: false);
    }

    [Fact]
    public void ForStream_OkToRangedRequestWithOtherLength_SizeMismatchStartingOver()
    {
        using var response = Response(HttpStatusCode.OK, length: 999);

        var verdict = ResponseCheck.ForStream(response, offset: 400, Size, Now);

        AssertFail(verdict, FailureReason.SizeMismatch, "server sends 999 bytes, manifest says 1000", transient: true, startOver: true);
    }

    [Fact]
    public void ForStream_WeakETag_LastModifiedIsTheValidator()
    {
        using var response = Response(HttpStatusCode.OK, length: Size, etag: "W/\"weak\"");
        response.Content.Headers.LastModified = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        Assert.Equal("Fri, 02 Jan 2026 03:04:05 GMT", ResponseCheck.ForStream(response, offset: 0, Size, Now).Validator);
    }

    [Fact]
    public void ForStream_NoETagNorLastModified_NoValidator()
    {
        using var response = Response(HttpStatusCode.OK, length: Size);

        Assert.Null(ResponseCheck.ForStream(response, offset: 0, Size, Now).Validator);
    }

    [Fact]
    public void ForStream_RangeNotSatisfiable_SizeMismatchStartingOver()
    {
        using var response = Response(HttpStatusCode.RequestedRangeNotSatisfiable, length: 0);

        var verdict = ResponseCheck.ForStream(response, offset: 400, Size, Now);

        AssertFail(verdict, FailureReason.SizeMismatch, "server has fewer bytes than the 1000 in the manifest", transient: true, startOver: true);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "HTTP 401 Unauthorized: check auth.bearerTokenFile")]
    [InlineData(HttpStatusCode.Forbidden, "HTTP 403 Forbidden: check auth.bearerTokenFile")]
    public void ForStream_Unauthorized_NotTransient(HttpStatusCode code, string message)
    {
        using var response = Response(code, length: 0);

        AssertFail(ResponseCheck.ForStream(response, offset: 0, Size, Now), FailureReason.Unauthorized, message, transient: false, startOver: false);
    }

    [Fact]
    public void ForStream_NotFound_HttpStatusNotTransient()
    {
        using var response = Response(HttpStatusCode.NotFound, length: 0);

        AssertFail(ResponseCheck.ForStream(response, offset: 400, Size, Now), FailureReason.HttpStatus, "HTTP 404 NotFound", transient: false, startOver: false);
    }

    [Fact]
    public void ForStream_TooManyRequestsWithRetryAfter_TransientWithTheDelay()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, length: 0);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        var verdict = ResponseCheck.ForStream(response, offset: 0, Size, Now);

        AssertFail(verdict, FailureReason.HttpStatus, "HTTP 429 TooManyRequests", transient: true, startOver: false);
        Assert.Equal(TimeSpan.FromSeconds(7), verdict.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(7), verdict.ToException().RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, "HTTP 408 RequestTimeout")]
    [InlineData(HttpStatusCode.InternalServerError, "HTTP 500 InternalServerError")]
    [InlineData(HttpStatusCode.BadGateway, "HTTP 502 BadGateway")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "HTTP 503 ServiceUnavailable")]
    public void ForStream_TimeoutOrServerError_HttpStatusTransient(HttpStatusCode code, string message)
    {
        using var response = Response(code, length: 0);

        var verdict = ResponseCheck.ForStream(response, offset: 0, Size, Now);

        AssertFail(verdict, FailureReason.HttpStatus, message, transient: true, startOver: false);
        Assert.Null(verdict.RetryAfter);
    }

    [Fact]
    public void ForPiece_PartialAtItsStart_ContinuesWithoutTouchingTheValidator()
    {
        using var response = Response(HttpStatusCode.PartialContent, length: 100, range: new ContentRangeHeaderValue(300, 399, Size), etag: "\"v1\"");

        var verdict = ResponseCheck.ForPiece(response, from: 300, Size, Now);

        Assert.Equal(ResponseOutcome.Continue, verdict.Outcome);
        Assert.Null(verdict.Validator);
    }

    [Fact]
    public void ForPiece_WholeBody_SourceChangedStartingOver()
    {
        using var response = Response(HttpStatusCode.OK, length: Size);

        var verdict = ResponseCheck.ForPiece(response, from: 300, Size, Now);

        AssertFail(verdict, FailureReason.SourceUnreachable, "the source changed during the download; starting over", transient: true, startOver: true);
    }

    [Fact]
    public void ForPiece_OtherRange_SourceChangedStartingOver()
    {
        using var response = Response(HttpStatusCode.PartialContent, length: 100, range: new ContentRangeHeaderValue(0, 99, Size));

        var verdict = ResponseCheck.ForPiece(response, from: 300, Size, Now);

        AssertFail(verdict, FailureReason.SourceUnreachable, "the source changed during the download; starting over", transient: true, startOver: true);
    }

    [Fact]
    public void ForPiece_RangeNotSatisfiable_SizeMismatchStartingOver()
    {
        using var response = Response(HttpStatusCode.RequestedRangeNotSatisfiable, length: 0);

        AssertFail(ResponseCheck.ForPiece(response, from: 300, Size, Now), FailureReason.SizeMismatch, "server has fewer bytes than the 1000 in the manifest", transient: true, startOver: true);
    }

    [Fact]
    public void ForPiece_ServerError_HttpStatusTransientKeepingState()
    {
        using var response = Response(HttpStatusCode.ServiceUnavailable, length: 0);

        AssertFail(ResponseCheck.ForPiece(response, from: 300, Size, Now), FailureReason.HttpStatus, "HTTP 503 ServiceUnavailable", transient: true, startOver: false);
    }

    private static void AssertFail(ResponseVerdict verdict, FailureReason reason, string message, bool transient, bool startOver)
    {
        Assert.Equal(ResponseOutcome.Fail, verdict.Outcome);
        Assert.Equal(reason, verdict.Reason);
        Assert.Equal(message, verdict.Message);
        Assert.Equal(transient, verdict.Transient);
        Assert.Equal(startOver, verdict.StartOver);
        var exception = verdict.ToException();
        Assert.Equal((reason, message, transient), (exception.Reason, exception.Message, exception.Transient));
    }

    private static HttpResponseMessage Response(HttpStatusCode code, long? length, ContentRangeHeaderValue? range = null, string? etag = null)
    {
        var response = new HttpResponseMessage(code) { Content = new ByteArrayContent([]) };
        // Set even when null: unset, ByteArrayContent would report its own (empty) length.
        response.Content.Headers.ContentLength = length;
        response.Content.Headers.ContentRange = range;
        if (etag is not null)
        {
            response.Headers.ETag = EntityTagHeaderValue.Parse(etag);
        }

        return response;
    }
}

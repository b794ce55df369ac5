using System.Net;

namespace ModelSync.Daemon.Downloads;

internal enum ResponseOutcome
{
    /// <summary>The body carries the bytes from the requested offset on.</summary>
    Continue,

    /// <summary>The body is the whole file: whatever was kept from earlier is worthless.</summary>
    RestartFromZero,

    Fail,
}

/// <summary>What to make of a server's answer. <see cref="StartOver"/> on a failure means the bytes on disk
/// no longer belong to what the source serves, so the next attempt must begin at zero.</summary>
internal sealed record ResponseVerdict(ResponseOutcome Outcome, string? Validator = null)
{
    public FailureReason Reason { get; init; }

    public string Message { get; init; } = "";

    public bool Transient { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public bool StartOver { get; init; }

    public DownloadException ToException() => new(Reason, Message, Transient, RetryAfter);

    public static ResponseVerdict Failed(FailureReason reason, string message, bool transient, bool startOver = false, TimeSpan? retryAfter = null) =>
        new(ResponseOutcome.Fail) { Reason = reason, Message = message, Transient = transient, StartOver = startOver, RetryAfter = retryAfter };
}

/// <summary>
/// Status and headers against what was asked, with no state of its own: the transfer decides what to do
/// with the verdict, so every branch can be tested from a bare <see cref="HttpResponseMessage"/>.
/// </summary>
internal static class ResponseCheck
{
    /// <summary>The answer to the request that opens a stream (single stream, or the first piece that
    /// probes whether the server honours ranges).</summary>
    public static ResponseVerdict ForStream(HttpResponseMessage response, long offset, long size, DateTimeOffset now)
    {
        var validator = ValidatorOf(response);
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: { } from } range && from == offset:
                return range.Length is { } total && total != size
                    ? ResponseVerdict.Failed(FailureReason.SizeMismatch, $"server has {total} bytes, manifest says {size}", transient: true, startOver: true)
                    : new ResponseVerdict(ResponseOutcome.Continue, validator);
            case HttpStatusCode.PartialContent:
                return ResponseVerdict.Failed(FailureReason.SourceUnreachable, "server answered with a different range than asked", transient: true, startOver: true);
            case HttpStatusCode.OK:
                // The source changed (If-Range failed) or ignores ranges: the bytes we have are worthless.
                var restart = offset > 0;
                if (response.Content.Headers.ContentLength is { } length && length != size)
                {
                    return ResponseVerdict.Failed(FailureReason.SizeMismatch, $"server sends {length} bytes, manifest says {size}", transient: true, startOver: restart);
                }

                return new ResponseVerdict(restart ? ResponseOutcome.RestartFromZero : ResponseOutcome.Continue, validator);
            default:
                return ForError(response, size, now);
        }
    }

    /// <summary>The answer for a later piece of a segmented download. The probe already settled that ranges
    /// work, so a whole body or another range can only mean the source changed under us.</summary>
    public static ResponseVerdict ForPiece(HttpResponseMessage response, long from, long size, DateTimeOffset now)
    {
        if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == from)
        {
            return new ResponseVerdict(ResponseOutcome.Continue);
        }

        return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent
            ? ResponseVerdict.Failed(FailureReason.SourceUnreachable, "the source changed during the download; starting over", transient: true, startOver: true)
            : ForError(response, size, now);
    }

    public static bool IsTransientStatus(HttpStatusCode code) =>
        code is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)code >= 500;

    private static ResponseVerdict ForError(HttpResponseMessage response, long size, DateTimeOffset now)
    {
        var code = response.StatusCode;
        return code switch
        {
            HttpStatusCode.RequestedRangeNotSatisfiable =>
                ResponseVerdict.Failed(FailureReason.SizeMismatch, $"server has fewer bytes than the {size} in the manifest", transient: true, startOver: true),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                ResponseVerdict.Failed(FailureReason.Unauthorized, $"HTTP {(int)code} {code}: check auth.bearerTokenFile", transient: false),
            _ => ResponseVerdict.Failed(FailureReason.HttpStatus, $"HTTP {(int)code} {code}", IsTransientStatus(code), retryAfter: RetryAfter.From(response, now)),
        };
    }

    /// <summary>Only a strong ETag proves byte-identical content for If-Range; else Last-Modified.</summary>
    private static string? ValidatorOf(HttpResponseMessage response) =>
        response.Headers.ETag is { IsWeak: false } etag ? etag.Tag : response.Content.Headers.LastModified?.ToString("R");
}

using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// What S3 said, as the engine's reasons and retry rules: a missing bucket or key is a definite answer (as a
/// 404 is), AccessDenied and bad credentials are <see cref="FailureReason.Unauthorized"/>, SlowDown and 5xx
/// are retried with backoff, a dead connection is the source being unreachable. Messages name the object
/// (<c>s3://bucket/key</c>), never a URL: the SDK's own message is kept only for errors S3 itself sent.
/// </summary>
internal static class S3Errors
{
    public static DownloadException Map(Exception ex, string what, bool callerCancelled)
    {
        switch (ex)
        {
            case DownloadException known:
                return known;
            case AmazonS3Exception s3 when s3.ErrorCode is "NoSuchBucket" or "NoSuchKey" or "NoSuchVersion" || s3.StatusCode == HttpStatusCode.NotFound:
                return new DownloadException(FailureReason.HttpStatus, $"{what}: {s3.ErrorCode ?? "NotFound"} (HTTP 404)", transient: false, inner: ex);
            case AmazonS3Exception s3 when s3.ErrorCode is "SlowDown" or "RequestTimeout" or "InternalError" or "ServiceUnavailable"
                || s3.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)s3.StatusCode >= 500:
                // Transient: the retry pipeline backs off exponentially, as S3 asks of a client told to SlowDown.
                return new DownloadException(FailureReason.HttpStatus, $"{what}: {s3.ErrorCode ?? s3.StatusCode.ToString()} (HTTP {(int)s3.StatusCode})", transient: true, inner: ex);
            case AmazonS3Exception s3 when s3.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                || s3.ErrorCode is "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken":
                return new DownloadException(FailureReason.Unauthorized,
                    $"{what}: {s3.ErrorCode ?? "AccessDenied"} (HTTP {(int)s3.StatusCode}): the credentials the AWS chain found may not read it", transient: false, inner: ex);
            case AmazonS3Exception s3:
                return new DownloadException(FailureReason.HttpStatus, $"{what}: {s3.ErrorCode} (HTTP {(int)s3.StatusCode}) {s3.Message}", transient: false, inner: ex);
            case OperationCanceledException when !callerCancelled:
                return new DownloadException(FailureReason.Stalled, $"{what}: no answer in time", transient: true, inner: ex);
            case HttpRequestException or IOException or WebException:
                return new DownloadException(FailureReason.SourceUnreachable, $"{what}: {ex.Message}", transient: true, inner: ex);
            case AmazonServiceException { InnerException: HttpRequestException or IOException or WebException } wrapped:
                return new DownloadException(FailureReason.SourceUnreachable, $"{what}: {wrapped.InnerException!.Message}", transient: true, inner: ex);
            case AmazonClientException:
                // No credentials anywhere in the chain, or a profile that cannot be read: nothing a retry fixes.
                return new DownloadException(FailureReason.Unauthorized, $"{what}: {ex.Message}", transient: false, inner: ex);
            default:
                return new DownloadException(FailureReason.SourceInvalid, $"{what}: {ex.Message}", transient: false, inner: ex);
        }
    }
}

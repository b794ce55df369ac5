using Amazon.S3;
using Amazon.S3.Model;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// SigV4 presigned GETs, by the SDK. <see cref="UnsignedUrl"/> is what the engine records and logs (no query
/// but the version id); <see cref="PresignAsync"/> is called for each request, so a URL never outlives the
/// credentials it was signed with, and never has to last a long download.
/// </summary>
internal sealed class S3Presigner(IAmazonS3 s3, Uri? endpoint, TimeProvider time)
{
    public async Task<Uri> PresignAsync(string bucket, string key, string? versionId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var request = new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = key,
            VersionId = versionId,
            Verb = HttpVerb.GET,
            Expires = (time.GetUtcNow() + S3Defaults.PresignedLifetime).UtcDateTime,
            Protocol = endpoint?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
        };
        try
        {
            return new Uri(await s3.GetPreSignedURLAsync(request));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw S3Errors.Map(ex, S3Client.Name(bucket, key), ct.IsCancellationRequested);
        }
    }

    /// <summary>The object's URL without a signature: a presigned one cut at its query, plus <c>?versionId=</c>.</summary>
    public static Uri UnsignedUrl(Uri presigned, string? versionId)
    {
        var bare = new UriBuilder(presigned) { Query = versionId is null ? "" : $"versionId={Uri.EscapeDataString(versionId)}" };
        return bare.Uri;
    }
}

using Amazon.S3;
using Amazon.S3.Model;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>The S3 calls a resolution makes: ListObjectsV2 (paged), HEAD with checksums, HEAD of each part.
/// Every failure comes out as a <see cref="DownloadException"/> naming the bucket or object.</summary>
internal sealed class S3Client(IAmazonS3 s3)
{
    public async Task<List<S3Listed>> ListAsync(S3Reference source, CancellationToken ct)
    {
        var objects = new List<S3Listed>();
        var request = new ListObjectsV2Request { BucketName = source.Bucket, Prefix = source.Prefix.Length == 0 ? null : source.Prefix };
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await Call(() => s3.ListObjectsV2Async(request, ct), $"{S3Reference.Scheme}{source.Bucket}/{source.Prefix}", ct);
            foreach (var o in page.S3Objects ?? [])
            {
                // A zero-byte key ending in '/' is a console "folder", not a file.
                if (o.Key is { } key && !(key.EndsWith('/') && o.Size is null or 0))
                {
                    objects.Add(new S3Listed(key, o.Size ?? 0, o.ETag ?? ""));
                }
            }

            if (page.IsTruncated != true || page.NextContinuationToken is not { Length: > 0 } next)
            {
                return objects;
            }

            // A server that hands out the same token again, or lists without end, must end the pass.
            if (!tokens.Add(next) || objects.Count > S3Defaults.MaxObjects)
            {
                throw new DownloadException(FailureReason.SourceInvalid,
                    $"{source}: {(objects.Count > S3Defaults.MaxObjects ? $"more than {S3Defaults.MaxObjects} objects" : "the listing repeats a continuation token")}", transient: false);
            }

            request.ContinuationToken = next;
        }
    }

    public async Task<S3Head> HeadAsync(string bucket, string key, string? versionId, CancellationToken ct)
    {
        var request = new GetObjectMetadataRequest { BucketName = bucket, Key = key, VersionId = versionId, ChecksumMode = ChecksumMode.ENABLED };
        var head = await Call(() => s3.GetObjectMetadataAsync(request, ct), Name(bucket, key), ct);
        return new S3Head(key, head.ContentLength, head.ETag ?? "", head.VersionId is { Length: > 0 } and not "null" ? head.VersionId : null)
        {
            ServerSideEncryption = head.ServerSideEncryptionMethod?.Value,
            ChecksumType = head.ChecksumType?.Value,
            Sha256 = head.ChecksumSHA256,
            Crc64Nvme = head.ChecksumCRC64NVME,
            Crc32C = head.ChecksumCRC32C,
        };
    }

    /// <summary>Each part's size, from <c>HEAD ?partNumber=N</c>; empty when the server does not answer per part
    /// (it ignores the number and describes the whole object, or counts other parts than the ETag).</summary>
    public async Task<IReadOnlyList<long>> PartSizesAsync(string bucket, string key, string? versionId, int parts, long size, CancellationToken ct)
    {
        var sizes = new long[parts];
        var answered = true;
        await Parallel.ForEachAsync(Enumerable.Range(1, parts), new ParallelOptions { MaxDegreeOfParallelism = S3Defaults.HeadsInFlight, CancellationToken = ct }, async (n, c) =>
        {
            var request = new GetObjectMetadataRequest { BucketName = bucket, Key = key, VersionId = versionId, PartNumber = n };
            var head = await Call(() => s3.GetObjectMetadataAsync(request, c), $"{Name(bucket, key)} part {n}", c);
            sizes[n - 1] = head.ContentLength;
            if (head.PartsCount != parts)
            {
                answered = false;
            }
        });
        return answered && sizes.Sum() == size && sizes.All(s => s > 0) ? sizes : [];
    }

    public static string Name(string bucket, string key) => $"{S3Reference.Scheme}{bucket}/{key}";

    private static async Task<T> Call<T>(Func<Task<T>> call, string what, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not DownloadException && !(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw S3Errors.Map(ex, what, ct.IsCancellationRequested);
        }
    }
}

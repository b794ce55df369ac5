using System.Collections.Concurrent;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// HEAD answers kept for as long as the container lives (a singleton that <c>AddS3Source()</c> registers), by
/// bucket, key, size and ETag (and pinned version): an unchanged object is asked about once, not on every pass,
/// and a multipart one's parts once, not N HEADs per pass.
/// </summary>
internal sealed class S3Heads
{
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<(string Endpoint, string Bucket, string Key, long Size, string ETag, string? Pinned), S3Head> _known = new();

    public async Task<S3Head> GetAsync(S3Client client, string endpoint, string bucket, S3Listed listed, string? pinned, CancellationToken ct)
    {
        var key = (endpoint, bucket, listed.Key, listed.Size, listed.ETag, pinned);
        if (_known.TryGetValue(key, out var known))
        {
            return known;
        }

        var head = await client.HeadAsync(bucket, listed.Key, pinned, ct);
        if (head.EtagParts is > 0 and <= S3Defaults.MaxParts)
        {
            head = head with { PartSizes = await client.PartSizesAsync(bucket, listed.Key, head.VersionId, head.EtagParts, head.Size, ct) };
        }

        // Some S3-compatible servers list ETags unquoted but send them quoted on HEAD: compared without quotes.
        if (head.Tag != listed.ETag.Trim('"') || head.Size != listed.Size)
        {
            // Changed between the listing and the HEAD: the next attempt lists again.
            throw new Downloads.DownloadException(Downloads.FailureReason.SourceUnreachable,
                $"{S3Client.Name(bucket, listed.Key)} changed while it was being listed", transient: true);
        }

        if (_known.Count >= MaxEntries)
        {
            _known.Clear();
        }

        _known[key] = head;
        return head;
    }
}

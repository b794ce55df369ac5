using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// <c>source: s3://BUCKET/PREFIX/</c> (every object below the prefix) or <c>s3://BUCKET/KEY</c> (one object,
/// pinned with <c>?versionId=</c> in a versioned bucket). The listing becomes the version (docs/sources.md).
/// </summary>
public sealed record S3Reference(string Bucket, string Prefix, string? VersionId)
{
    public const string Scheme = "s3://";

    /// <summary>Up to 63 characters of lowercase letters, digits, '.' and '-' (S3's rule; MinIO and R2 share it).</summary>
    private const int MaxBucketLength = 63;

    public IReadOnlyList<string> Include { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>A prefix (ends in '/', or empty: the whole bucket) rather than a single key.</summary>
    public bool IsPrefix => Prefix.Length == 0 || Prefix.EndsWith('/');

    public override string ToString() => $"{Scheme}{Bucket}/{Prefix}{(VersionId is null ? "" : $"?versionId={VersionId}")}";

    /// <summary>What markers and the inventory record as the source: the reference plus its filters, so a
    /// changed include/exclude is another source (as for <see cref="HubReference.Key"/>).</summary>
    public string Key => ModelFields.FilteredKey(ToString(), Include, Exclude);

    /// <summary>The object's name in the model directory: its key below the prefix (a single key: its last segment).</summary>
    public string PathOf(string key) => IsPrefix ? key[Prefix.Length..] : key[(key.LastIndexOf('/') + 1)..];

    /// <summary>Null when <paramref name="text"/> is a valid reference, else why not.</summary>
    public static string? TryParse(string text, out S3Reference? reference)
    {
        reference = null;
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return $"must be s3://BUCKET/PREFIX/ or s3://BUCKET/KEY, got '{text}'";
        }

        var rest = text[Scheme.Length..];
        string? versionId = null;
        if (rest.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            var query = rest[(q + 1)..];
            rest = rest[..q];
            if (!query.StartsWith("versionId=", StringComparison.Ordinal) || query.Length == "versionId=".Length || query.Contains('&', StringComparison.Ordinal))
            {
                return $"the only query an s3:// source takes is ?versionId=ID, got '?{query}'";
            }

            versionId = Uri.UnescapeDataString(query["versionId=".Length..]);
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length is < 3 or > MaxBucketLength || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            || !char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
        {
            return $"'{bucket}' is not a bucket name (3-63 lowercase letters, digits, '.' and '-', alphanumeric at both ends)";
        }

        if (prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal) || prefix.Split('/').Any(s => s is "." or ".."))
        {
            return $"'{prefix}' has an empty, '.' or '..' segment: objects could not be stored below the model";
        }

        if (versionId is not null && (prefix.Length == 0 || prefix.EndsWith('/')))
        {
            return "?versionId= pins one object: name its key (s3://BUCKET/KEY?versionId=ID), not a prefix";
        }

        reference = new S3Reference(bucket, prefix, versionId);
        return null;
    }
}

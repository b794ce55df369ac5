namespace ModelSync.Daemon.Sources.S3;

/// <summary><c>sync.s3</c>: where <c>s3://</c> sources are read from. Every value may be left out: then the
/// environment decides as it does for the AWS CLI (docs/sources.md, "S3").</summary>
public sealed record S3Settings : Manifest.SourceSettings
{
    /// <summary>An S3-compatible endpoint (MinIO, Ceph RGW, R2); null means <c>AWS_ENDPOINT_URL_S3</c>,
    /// <c>AWS_ENDPOINT_URL</c>, else AWS itself.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The signing region; null means <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>/the profile, else us-east-1.</summary>
    public string? Region { get; init; }

    /// <summary>Bucket in the path (<c>endpoint/bucket/key</c>) rather than the host name; null means yes for
    /// a custom endpoint (what S3-compatible servers expect), no for AWS.</summary>
    public bool? ForcePathStyle { get; init; }
}

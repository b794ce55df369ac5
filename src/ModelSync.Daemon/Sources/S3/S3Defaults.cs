namespace ModelSync.Daemon.Sources.S3;

/// <summary>The names the AWS CLI and SDKs already read, so the node's environment works unchanged.</summary>
internal static class S3Defaults
{
    public const string EndpointS3Variable = "AWS_ENDPOINT_URL_S3";
    public const string EndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>The region a custom endpoint is signed for when nothing names one (MinIO, Ceph and R2 accept it).</summary>
    public const string FallbackRegion = "us-east-1";

    /// <summary>How long a presigned GET is valid. Each request is signed afresh, so this only has to cover
    /// the time from signing to the request arriving, and is kept short: the URL is a credential.</summary>
    public static readonly TimeSpan PresignedLifetime = TimeSpan.FromMinutes(15);

    /// <summary>A listing longer than this is no model (S3 pages by 1,000 keys).</summary>
    public const int MaxObjects = 100_000;

    /// <summary>HEADs in flight at once while resolving (one per object, one per part of a multipart ETag).</summary>
    public const int HeadsInFlight = 8;

    /// <summary>S3 allows 10,000 parts; a larger part count in an ETag is not one S3 wrote.</summary>
    public const int MaxParts = 10_000;
}

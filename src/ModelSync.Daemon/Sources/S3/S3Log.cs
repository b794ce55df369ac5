using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>s3:// sources (docs/sources.md, "S3"): ids 1650–1699. Objects are named s3://bucket/key, never by a URL.</summary>
internal static partial class S3Log
{
    [LoggerMessage(1650, LogLevel.Warning, "{Model}: {Object} is accepted on its size alone (verify: size): nothing S3 or the manifest gives vouches for its bytes")]
    public static partial void S3SizeOnly(ILogger logger, string model, string @object);

    [LoggerMessage(1651, LogLevel.Debug, "{Model}: {Object} will be verified by {Check}")]
    public static partial void S3VerifiedBy(ILogger logger, string model, string @object, string check);
}

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// <c>source: s3://BUCKET/PREFIX/</c> or <c>s3://BUCKET/KEY[?versionId=]</c>: the listing is the version, each
/// object is verified by what S3 can vouch for (<see cref="S3Verification"/>), and the bytes come through the
/// engine as presigned GETs (parallel ranges, resume, stall detection, bandwidth limit) signed per request.
/// </summary>
internal sealed class S3Source(S3Clients clients, S3Heads heads, SyncSettings sync, TimeProvider time, ILogger logger) : ISourceResolver
{
    /// <summary>Placeholder version of an S3 model that failed before its listing resolved.</summary>
    public const string Unresolved = "unresolved";

    public bool Handles(ModelSpec model) => model.Source is S3Spec;

    public string? SourceKey(ModelSpec model) => model.Source.Key;

    public string UnresolvedVersion(ModelSpec model) => Unresolved;

    public Task<ResolvedModel> ResolveAsync(ModelSpec model, CancellationToken ct)
    {
        var endpoint = S3Clients.Endpoint(sync.Source<S3Settings>());
        var resolver = new S3Resolver(clients.For(sync), heads, endpoint, time, logger);
        return resolver.ResolveAsync(model, SourceKey(model)!, ct);
    }
}

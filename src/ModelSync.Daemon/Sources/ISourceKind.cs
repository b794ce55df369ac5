using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources;

/// <summary>
/// One kind of source, a folder of its own under <c>Sources/</c>: its schemes, manifest keys and <c>sync</c>
/// settings (<see cref="ISourceSyntax"/>), its <see cref="SourceSpec"/> record (identity for the failure
/// fingerprint, validate's count), its logs and its resolver. Registered with one line (<c>AddS3Source()</c>).
/// </summary>
internal interface ISourceKind : ISourceSyntax
{
    /// <summary>The resolver for one pass, with that pass's settings.</summary>
    ISourceResolver Resolver(SourcePass pass);
}

/// <summary>What a pass gives the resolvers: the manifest's settings and the engine's HTTP client and clock.</summary>
internal sealed record SourcePass(SyncSettings Sync, HttpSource Http, TimeProvider Time, ILogger Logger);

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources.Hub;
using ModelSync.Daemon.Sources.Listed;
using ModelSync.Daemon.Sources.Oci;

namespace ModelSync.Daemon.Sources;

/// <summary>Every source kind, in the order asked: the first that handles a model resolves it.</summary>
internal sealed class SourceRegistry(IReadOnlyList<ISourceResolver> resolvers)
{
    public static SourceRegistry Create(SyncSettings sync, HttpSource http, TimeProvider time, ILogger logger) =>
        new([new HubSource(sync, http, time, logger), new OciSource(sync, http, time), new ListedSource()]);

    public ISourceResolver For(ModelSpec model) =>
        resolvers.FirstOrDefault(r => r.Handles(model))
            ?? throw new InvalidOperationException($"no source resolver handles model {model.Name}");
}

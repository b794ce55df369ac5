using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// The engine parts of one pass, made from the container's services: what depends on the manifest in force
/// (settings, the failure policy's interval, the capacity guard) is made per pass, what does not (the HTTP client,
/// the bandwidth bucket, the source kinds, randomness) is the container's. Each part logs as itself.
/// </summary>
internal sealed class PassFactory(
    HttpSource http,
    BandwidthLimiter limiter,
    TimeProvider time,
    SourceKinds sources,
    ILoggerFactory loggers,
    Random random,
    ISyncObserver? observer = null)
{
    /// <param name="enforceFailurePolicy">Run mode: parked and backed-off models are skipped.</param>
    /// <param name="store">What the pass knows of the store (<see cref="PassStore"/>); a fresh one when not given.</param>
    public ModelSyncer Create(ModelLifecycle lifecycle, ModelManifest manifest, StoreLayout layout, bool enforceFailurePolicy, PassStore? store = null)
    {
        store ??= new PassStore(layout, new MarkerCache());
        var engine = new SyncEngine(layout, manifest.Sync, lifecycle, http, limiter, time, loggers, observer ?? NullSyncObserver.Instance, store);
        var policy = new FailurePolicy(lifecycle.Entries, new SourceProbe(http, manifest.Sync.StallTimeout), time, manifest.Sync, enforceFailurePolicy,
            loggers.CreateLogger<FailurePolicy>(), random);
        var registry = sources.Registry(new SourcePass(manifest.Sync, http, time, loggers.CreateLogger<SourceKinds>()));
        var resolution = new SourceResolution(store, manifest.Sync, registry, lifecycle, policy, time, loggers.CreateLogger<SourceResolution>());
        return new ModelSyncer(engine, resolution, new CapacityGuard(layout, manifest.Store, manifest.OnDemandModels), policy);
    }
}

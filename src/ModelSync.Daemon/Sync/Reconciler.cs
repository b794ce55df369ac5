using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

public sealed record ReconcileResult(int Ready, int Failed, DateTimeOffset FinishedAt)
{
    public bool AllReady => Failed == 0;

    /// <summary>Bytes the downloads refused for room lacked: what GC evicts for after the pass.</summary>
    public long Shortfall { get; init; }
}

/// <summary>One pass that makes the store match a manifest: up to <c>sync.concurrency</c> models at
/// once; a model that fails is recorded and the others go on.</summary>
/// <param name="markers">The daemon's marker cache, kept across passes so an unchanged model's marker is not read again.</param>
internal sealed class Reconciler(ModelLifecycle lifecycle, PassFactory parts, TimeProvider time, ILogger<Reconciler> logger, StoreChanges? changes = null, MarkerCache? markers = null)
{
    private readonly MarkerCache _markers = markers ?? new MarkerCache();

    /// <param name="enforceFailurePolicy">Run mode: a parked or backed-off model is skipped (docs/daemon.md,
    /// "Failure policy"). A one-shot pass attempts every model and only records the failures.</param>
    public async Task<ReconcileResult> ReconcileAsync(ModelManifest manifest, CancellationToken ct, bool enforceFailurePolicy = false)
    {
        var started = time.GetTimestamp();
        Log.ReconcileStarted(logger, manifest.Models.Count, manifest.SourcePath);
        var layout = new StoreLayout(manifest.Store.Root);
        Directory.CreateDirectory(layout.Root); // the guard measures its filesystem before the inventory's first write
        lifecycle.Retain(manifest.Models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal));

        var store = new PassStore(layout, _markers);
        var syncer = parts.Create(lifecycle, manifest, layout, enforceFailurePolicy, store);
        await Parallel.ForEachAsync(
            manifest.Models,
            new ParallelOptions { MaxDegreeOfParallelism = manifest.Sync.Concurrency, CancellationToken = ct },
            async (model, token) =>
            {
                await syncer.SyncAsync(model, token);
                // A publish, a condemnation or a current switch shows in hub/ at once; a model left as it was costs nothing there.
                if (store.TakeChanged() is { Count: > 0 } changed)
                {
                    changes?.Raise(layout, changed);
                }
            });

        // Counted from the inventory at the end, not as each model finished: a damaged copy found while
        // another model reused it condemns a model this pass had already brought to Ready.
        var ready = manifest.Models.Count(m => lifecycle.Find(m.Name) is { State: ModelState.Ready });
        var failed = manifest.Models.Count - ready;

        lifecycle.Flush(); // the pass's last changes on disk now, not a write delay later
        Log.ReconcileFinished(logger, ready, failed, time.GetElapsedTime(started));
        return new ReconcileResult(ready, failed, time.GetUtcNow()) { Shortfall = syncer.Capacity.Shortfall };
    }
}

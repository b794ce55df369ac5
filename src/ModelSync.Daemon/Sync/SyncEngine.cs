using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>What every model of one reconcile pass is synced with: the store, the settings in force, the
/// inventory's one owner, the network and the clock.</summary>
internal sealed record SyncEngine(
    StoreLayout Layout,
    SyncSettings Sync,
    InventoryState Inventory,
    HttpSource Http,
    BandwidthLimiter Limiter,
    TimeProvider Time,
    ILogger Logger,
    ISyncObserver Observer);

/// <summary>Sums the bytes of every file of a model (reused, resumed and fetched) for the inventory's progress.</summary>
internal sealed class ModelProgressTracker(InventoryState inventory, string name, long total)
{
    private long _done;
    private long _received;

    public long Done => Interlocked.Read(ref _done);

    /// <summary>Bytes the source sent for this model in this pass, kept or not: what a failed pass cost.</summary>
    public long Received => Interlocked.Read(ref _received);

    public void AddReceived(long bytes) => Interlocked.Add(ref _received, bytes);

    public void Add(long bytes)
    {
        var done = Interlocked.Add(ref _done, bytes);
        inventory.ReportProgress(name, done, total);
    }
}

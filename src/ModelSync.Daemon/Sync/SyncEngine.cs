using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>What every model of one reconcile pass is synced with: the store, the settings in force, the
/// models' lifecycle (the one owner of their entries), the network and the clock.</summary>
internal sealed record SyncEngine(
    StoreLayout Layout,
    SyncSettings Sync,
    ModelLifecycle Lifecycle,
    HttpSource Http,
    BandwidthLimiter Limiter,
    TimeProvider Time,
    ILoggerFactory Loggers,
    ISyncObserver Observer,
    PassStore Store);

/// <summary>Sums the bytes of every file of a model (reused, resumed and fetched) for the inventory's progress,
/// with the rate of the bytes fetched over the last seconds and the file that last received some: the one
/// progress model every surface shows (docs/operations.md, "Progress").</summary>
internal sealed class ModelProgressTracker(ModelLifecycle lifecycle, string name, long total, TimeProvider time)
{
    private readonly LiveRates _rate = new(time);
    private long _done;
    private long _received;
    private volatile string? _file;

    public long Done => Interlocked.Read(ref _done);

    /// <summary>Bytes the source sent for this model in this pass, kept or not: what a failed pass cost.</summary>
    public long Received => Interlocked.Read(ref _received);

    public void AddReceived(long bytes) => Interlocked.Add(ref _received, bytes);

    /// <param name="fetched">Bytes that came over the network (they make the rate), not reused or resumed ones.</param>
    public void Add(long bytes, string? file = null, bool fetched = false)
    {
        var done = Interlocked.Add(ref _done, bytes);
        if (fetched && bytes > 0)
        {
            _rate.Add(name, bytes);
        }

        if (file is not null)
        {
            _file = file;
        }

        var rate = _rate.Rate(name);
        lifecycle.Progress(name, new ModelProgress(done, total) { BytesPerSecond = rate > 0 ? rate : null, CurrentFile = _file });
    }
}

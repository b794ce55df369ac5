using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Run mode's engine: take the store lock (waiting for it), then forever: reconcile the manifest in
/// force, stamp failed models with the next pass time (<c>error.nextRetryAt</c>), GC, and sleep until
/// <c>sync.interval</c> passes or a manifest change / repair request arrives. A manifest change
/// interrupts a pass at a resumable point. Per-model failures are the engine's business (recorded,
/// retried next pass); anything that escapes a pass stops the host with exit 1. On shutdown the
/// transfers stop where they can resume and the inventory is flushed.
/// </summary>
internal sealed class ReconcileLoop : BackgroundService
{
    private readonly Func<ModelLifecycle, Reconciler> _reconcilerFor;
    private readonly GarbageCollector _gc;
    private readonly StoreLockHolder _storeLock;
    private readonly ManifestInForce _manifests;
    private readonly ReconcileTrigger _trigger;
    private readonly ReconcileStatus _status;
    private readonly StoreWork _work;
    private readonly DaemonExit _exit;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<ReconcileLoop> _logger;
    private readonly NodePlacement _placement;
    private readonly OnDemandBook _onDemand;
    private readonly OnDemandMetrics _onDemandMetrics;

    public ReconcileLoop(
        Func<ModelLifecycle, Reconciler> reconcilerFor,
        GarbageCollector gc,
        StoreLockHolder storeLock,
        ManifestInForce manifests,
        ReconcileTrigger trigger,
        ReconcileStatus status,
        StoreWork work,
        DaemonExit exit,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILogger<ReconcileLoop> logger,
        NodePlacement placement,
        OnDemandBook onDemand,
        OnDemandMetrics onDemandMetrics)
    {
        _onDemandMetrics = onDemandMetrics;
        _placement = placement;
        _onDemand = onDemand;
        _reconcilerFor = reconcilerFor;
        _gc = gc;
        _storeLock = storeLock;
        _manifests = manifests;
        _trigger = trigger;
        _status = status;
        _work = work;
        _exit = exit;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        manifests.Changed += _ => trigger.Request(interruptCurrent: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        StoreSession? session = null;
        try
        {
            session = await _storeLock.AcquireAsync(stoppingToken);
            _status.LockAcquired();
            var reconciler = _reconcilerFor(session.Lifecycle);
            while (true)
            {
                await PassAsync(session, reconciler, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Log.ShuttingDown(_logger);
        }
        catch (Exception ex)
        {
            Log.LoopCrashed(_logger, ex);
            _exit.Fail();
            _lifetime.StopApplication();
        }
        finally
        {
            // Not Downloading any more, and writer.stoppedAt says the stop was clean (WriterCheck).
            session?.Lifecycle.Stop();
        }
    }

    private async Task PassAsync(StoreSession session, Reconciler reconciler, CancellationToken stoppingToken)
    {
        DateTimeOffset next;
        TimeSpan interval;
        using (await _work.EnterAsync(stoppingToken))
        {
            if (await PassAndGcAsync(session, reconciler, stoppingToken) is not { } wait)
            {
                return;
            }

            (next, interval) = wait;
        }

        _status.Waiting(next);
        Log.NextReconcile(_logger, next);
        await _trigger.WaitAsync(interval, _time, stoppingToken);
    }

    /// <summary>The pass and its GC, with <see cref="StoreWork"/> held; null when a manifest change interrupted it.</summary>
    private async Task<(DateTimeOffset Next, TimeSpan Interval)?> PassAndGcAsync(StoreSession session, Reconciler reconciler, CancellationToken stoppingToken)
    {
        // Pass first, manifest second: a change that lands in between then cancels this pass instead of
        // being cleared by BeginPass and waiting a whole interval.
        var pass = _trigger.BeginPass(stoppingToken);
        var inForce = _manifests.Current;
        _status.PassStarted();
        ReconcileResult result;
        ModelManifest manifest;
        try
        {
            session.Lifecycle.OnDemand(inForce);
            // This node's models only (Placement/): the pass and the GC below never see the others.
            manifest = await _placement.ForThisNodeAsync(inForce, HeldModels.Of(session.Lifecycle, session.Layout), pass.Token);
            _onDemandMetrics.Evicted("unused", _placement.LeftForDisuse);
            result = await reconciler.ReconcileAsync(manifest, pass.Token, enforceFailurePolicy: true);
            await _placement.LabelNodeAsync(manifest, session.Lifecycle, pass.Token);
        }
        catch (OperationCanceledException) when (pass.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            Log.PassInterrupted(_logger);
            _status.PassInterrupted("last pass interrupted by a manifest change or a pod's request");
            return null;
        }
        finally
        {
            _trigger.EndPass();
        }

        _status.PassFinished(result);
        var next = _time.GetUtcNow() + manifest.Sync.Interval;
        session.Lifecycle.NextPassAt(next);
        try
        {
            // On-demand models are the cache: they make room first, then previous versions (Placement/OnDemandEviction).
            var evicted = OnDemandEviction.Evict(manifest, session.Layout, _onDemand, result.Shortfall);
            if (evicted.Names.Count > 0)
            {
                _onDemandMetrics.Evicted("pressure", evicted.Names.Count);
                Log.OnDemandEvicted(_logger, string.Join(", ", evicted.Names), Store.Text.ByteText.Format(evicted.Freed));
                manifest = evicted.From(manifest);
            }

            var gc = _gc.Collect(session.Layout, manifest, dryRun: false, evictBytes: evicted.StillMissing(result.Shortfall));
            _status.GcDone(gc);
            if (gc.Evicted.Count > 0 || evicted.Names.Count > 0)
            {
                // Room was made for a refused download: it goes now, not an interval later.
                _trigger.Request(interruptCurrent: false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.GcRemoveFailed(_logger, ex, "the store (scan failed)");
        }

        return (next, manifest.Sync.Interval);
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Verify;
using ModelSync.Store.Inventory;
using ModelSync.Daemon.Content;

namespace ModelSync.Daemon.Hosting;

/// <summary>How fast the scheduled scrub may read (bytes/s); from <c>run --scrub-rate</c>.</summary>
internal sealed record ScrubOptions(long BytesPerSecond);

/// <summary>
/// The scheduled scrub of run mode: every <c>sync.verifyInterval</c> (re-read from the manifest in force,
/// so a reload can switch it on or off), re-hash every Ready model at no more than <see cref="ScrubOptions"/>
/// bytes/s. A corrupted model is marked (<see cref="CorruptionHandler"/>) and a reconcile is requested,
/// which downloads it again. A model whose check fails unexpectedly is logged and checked next time.
/// </summary>
internal sealed class ScrubService(
    StoreLockHolder storeLock,
    ManifestInForce manifests,
    ReconcileTrigger trigger,
    DaemonMetrics metrics,
    ScrubOptions options,
    DaemonExit exit,
    IHostApplicationLifetime lifetime,
    StoreChanges changes,
    TimeProvider time,
    ILogger<ScrubService> logger) : BackgroundService
{
    /// <summary>How often a switched-off scrub looks whether a reload switched it on.</summary>
    public static readonly TimeSpan OffRecheck = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var session = await storeLock.SessionAsync(stoppingToken);
            await using var limiter = new BandwidthLimiter(options.BytesPerSecond);
            while (true)
            {
                if (manifests.Current.Sync.VerifyInterval is not { } interval)
                {
                    await Task.Delay(OffRecheck, time, stoppingToken);
                    continue;
                }

                await Task.Delay(interval, time, stoppingToken);
                if (manifests.Current.Sync.VerifyInterval is not null)
                {
                    await ScrubAsync(session, limiter, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.LoopCrashed(logger, ex);
            exit.Fail();
            lifetime.StopApplication();
        }
    }

    private async Task ScrubAsync(StoreSession session, BandwidthLimiter limiter, CancellationToken ct)
    {
        var (layout, lifecycle) = session;
        var ready = lifecycle.Snapshot().Models.Where(m => m.State == ModelState.Ready).ToList();
        Log.ScrubStarted(logger, ready.Count, options.BytesPerSecond);
        var found = 0;
        foreach (var entry in ready)
        {
            try
            {
                var outcome = await CorruptionHandler.VerifyAndRecordAsync(layout, lifecycle, entry, limiter, time.GetUtcNow(), ct);
                found += outcome.Problems.Count;
                if (outcome.Corrupt.Count > 0)
                {
                    metrics.VerifyFailures(outcome.Corrupt.Count);
                }

                if (outcome.MarkedCorrupted)
                {
                    Log.ModelCorrupted(logger, entry.Name, entry.Version, outcome.Corrupt[0].ToString());
                    trigger.Request(interruptCurrent: false);
                    changes.Raise(layout); // hub/ stops offering the condemned version now
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.ScrubModelFailed(logger, ex, entry.Name);
            }
        }

        Log.ScrubFinished(logger, ready.Count, found);
    }
}

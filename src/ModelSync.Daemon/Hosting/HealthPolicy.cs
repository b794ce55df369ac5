using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// When /healthz fails (so the kubelet restarts the pod): the reconcile loop is wedged. Between passes the
/// loop beats at least every <c>sync.interval</c>; a pass in progress counts as alive while it makes
/// progress (bytes, retries, models finishing). Either must be younger than max(2 x interval, 15 min):
/// 15 min covers the longest wait the engine itself may take (a server's Retry-After, capped at 10 min,
/// plus a stall timeout). Waiting for the store lock is alive, not wedged.
/// </summary>
internal static class HealthPolicy
{
    public static readonly TimeSpan MinimumGrace = TimeSpan.FromMinutes(15);

    public static TimeSpan Grace(SyncSettings sync) => TimeSpan.FromTicks(Math.Max(2 * sync.Interval.Ticks, MinimumGrace.Ticks));

    /// <summary>Null when healthy, else why not.</summary>
    public static string? Check(ReconcileView view, SyncSettings sync, DateTimeOffset now)
    {
        if (!view.LockHeld)
        {
            return null;
        }

        var grace = Grace(sync);
        if (view.InProgress)
        {
            var idle = now - view.LastActivity;
            return idle < grace ? null : $"reconcile in progress but no progress for {idle:g} (limit {grace:g})";
        }

        var silent = now - view.Heartbeat;
        return silent < grace ? null : $"reconcile loop silent for {silent:g} (limit {grace:g})";
    }
}

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Http;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Sync;
using ModelSync.Daemon.Verify;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// verify, gc and retry done by the running daemon for a verb that found the store lock taken
/// (<see cref="ControlChannel"/>): with the daemon's own store session, the manifest in force and the loop,
/// so nothing runs beside what would conflict with it (<see cref="StoreWork"/>).
/// </summary>
internal sealed class LiveOperations(
    StoreLockHolder storeLock,
    ManifestInForce manifests,
    ReconcileTrigger trigger,
    ReconcileStatus status,
    StoreWork work,
    GarbageCollector gc,
    StoreChanges changes,
    DaemonMetrics metrics,
    TimeProvider time,
    ILogger<LiveOperations> logger,
    NodePlacement placement) : ILiveOperations
{
    /// <summary>How long a live gc waits for a reconcile pass to end before answering busy.</summary>
    public static readonly TimeSpan GcWait = TimeSpan.FromSeconds(30);

    public async Task<ControlReply> VerifyAsync(CancellationToken ct)
    {
        var session = storeLock.Session!;
        await using var unlimited = new BandwidthLimiter(0);
        var report = await VerifyPass.RunAsync(session.Layout, session.Lifecycle, changes, unlimited, time, _ => { }, ct);
        if (report.MarkedCorrupted)
        {
            metrics.VerifyFailures(report.Problems);
            trigger.Request(interruptCurrent: false); // the repair starts now, not at the next interval
        }

        return Logged("verify", "", new ControlReply(report.Problems == 0 ? ControlOutcome.Ok : ControlOutcome.Failed, report.Lines, []));
    }

    public async Task<ControlReply> GcAsync(bool dryRun, CancellationToken ct)
    {
        var session = storeLock.Session!;
        using var turn = await work.TryEnterAsync(dryRun ? Timeout.InfiniteTimeSpan : GcWait, ct);
        if (turn is null)
        {
            return Logged("gc", "", new ControlReply(ControlOutcome.Busy, [], [$"gc: a reconcile pass is still running after {GcWait.TotalSeconds:0}s; the daemon collects after every pass anyway, or try again"]));
        }

        var result = gc.Collect(session.Layout, placement.Filter(manifests.Current), dryRun);
        if (!dryRun)
        {
            status.GcDone(result);
        }

        return Logged("gc", dryRun ? "--dry-run" : "", new ControlReply(result.Failures.Count == 0 ? ControlOutcome.Ok : ControlOutcome.Failed, GcReport.Output(result), GcReport.Errors(result)));
    }

    public ControlReply Retry(string? model)
    {
        var session = storeLock.Session!;
        var manifest = manifests.Current;
        if (model is not null && manifest.Models.All(m => m.Name != model))
        {
            return Logged("retry", model, new ControlReply(ControlOutcome.Usage, [], [$"retry: no model '{model}' in the manifest in force ({manifest.SourcePath}); models: {string.Join(", ", manifest.Models.Select(m => m.Name))}"]));
        }

        var names = model is null ? manifest.Models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal) : [model];
        var cleared = session.Lifecycle.RetryRequested(names);
        trigger.Request(interruptCurrent: false);
        Log.RetryRequested(logger, cleared.Count == 0 ? "no failed model" : string.Join(", ", cleared));
        var lines = cleared.Select(n => $"retry   {n}: failure cleared; fetching again now").ToList();
        if (cleared.Count == 0)
        {
            lines.Add(model is null ? "retry: no model is Failed; a reconcile pass was requested anyway" : $"retry: {model} is {session.Lifecycle.Find(model)?.State.ToString() ?? "not synced yet"}, not Failed; a reconcile pass was requested anyway");
        }

        return Logged("retry", model ?? "(all)", new ControlReply(ControlOutcome.Ok, lines, []));
    }

    private ControlReply Logged(string operation, string argument, ControlReply reply)
    {
        // The code the asking verb exits with: a bad request is 2 there and here, a busy daemon 4.
        Log.ControlRequest(logger, operation, argument, ControlOutcome.ExitCode(reply.Outcome));
        return reply;
    }
}

using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>Run mode, reload, GC and verify messages: event IDs 2000-2999 (docs/operations.md).</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "Listening on {Url}; store {Root}; manifest {Manifest}")]
    public static partial void RunStarting(ILogger logger, string url, string root, string manifest);

    [LoggerMessage(2001, LogLevel.Information, "Store lock on {Root} taken")]
    public static partial void LockAcquired(ILogger logger, string root);

    [LoggerMessage(2002, LogLevel.Information, "Shutting down: downloads stop at a resumable point, inventory flushed")]
    public static partial void ShuttingDown(ILogger logger);

    [LoggerMessage(2003, LogLevel.Critical, "The reconcile loop failed; stopping the daemon")]
    public static partial void LoopCrashed(ILogger logger, Exception exception);

    [LoggerMessage(2004, LogLevel.Information, "Reconcile pass interrupted by a manifest change, a label change or a pod's request; starting over")]
    public static partial void PassInterrupted(ILogger logger);

    [LoggerMessage(2005, LogLevel.Information, "Next reconcile at {NextAt:u} (or at once on a manifest change)")]
    public static partial void NextReconcile(ILogger logger, DateTimeOffset nextAt);

    [LoggerMessage(2007, LogLevel.Warning, "On-demand models evicted to make room (least recently used, not pinned, nobody waiting): {Models}; frees {Bytes}")]
    public static partial void OnDemandEvicted(ILogger logger, string models, string bytes);

    [LoggerMessage(2006, LogLevel.Critical, "Not started: {Failure}")]
    public static partial void ListenFailed(ILogger logger, string failure);

    [LoggerMessage(2100, LogLevel.Information, "Manifest {Path} changed (models now in force: {ModelCount})")]
    public static partial void ManifestReloaded(ILogger logger, string path, int modelCount);

    [LoggerMessage(2101, LogLevel.Error, "Manifest {Path} changed but is not valid; the last good manifest stays in force: {Problem}")]
    public static partial void ManifestReloadProblem(ILogger logger, string path, string problem);

    [LoggerMessage(2102, LogLevel.Warning, "Manifest {Path}: {Setting} changed; it takes effect only after a restart of the daemon")]
    public static partial void RestartRequired(ILogger logger, string path, string setting);

    [LoggerMessage(2103, LogLevel.Warning, "Cannot watch {Directory} for changes ({Message}); polling the manifest only")]
    public static partial void WatchFailed(ILogger logger, string directory, string message);

    [LoggerMessage(2200, LogLevel.Information, "GC: removed {What} ({Why})")]
    public static partial void GcRemoved(ILogger logger, string what, string why);

    [LoggerMessage(2201, LogLevel.Warning, "GC: could not remove {What}; retried after the next reconcile")]
    public static partial void GcRemoveFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(2202, LogLevel.Information, "GC: kept {What} (kept: {Why})")]
    public static partial void GcKeptPinned(ILogger logger, string what, string why);

    [LoggerMessage(2203, LogLevel.Warning, "GC: evicting {Count} previous version(s), least recently used first, for a download that lacked {Shortfall}")]
    public static partial void Evicting(ILogger logger, int count, string shortfall);

    [LoggerMessage(2300, LogLevel.Information, "Scrub: verifying {ModelCount} ready models at up to {Rate} bytes/s")]
    public static partial void ScrubStarted(ILogger logger, int modelCount, long rate);

    [LoggerMessage(2301, LogLevel.Information, "Scrub finished (models: {ModelCount}, problems: {Problems})")]
    public static partial void ScrubFinished(ILogger logger, int modelCount, int problems);

    [LoggerMessage(2302, LogLevel.Error, "{Model}@{Version} is corrupted ({Problem}); marked Failed/Corrupted and queued for re-download")]
    public static partial void ModelCorrupted(ILogger logger, string model, string version, string problem);

    [LoggerMessage(2303, LogLevel.Warning, "Scrub of {Model} failed unexpectedly; retried on the next scrub")]
    public static partial void ScrubModelFailed(ILogger logger, Exception exception, string model);
}

using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>Every log message of the daemon, with stable event IDs (docs/daemon.md lists them).
/// URLs are passed redacted; tokens never reach a logger.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Reconcile started from {Manifest} (models: {ModelCount})")]
    public static partial void ReconcileStarted(ILogger logger, int modelCount, string manifest);

    [LoggerMessage(1001, LogLevel.Information, "Reconcile finished: {Ready} ready, {Failed} failed in {Elapsed}")]
    public static partial void ReconcileFinished(ILogger logger, int ready, int failed, TimeSpan elapsed);

    [LoggerMessage(1100, LogLevel.Information, "{Model}@{Version} is published and matches the manifest; nothing to download")]
    public static partial void ModelUpToDate(ILogger logger, string model, string version);

    [LoggerMessage(1101, LogLevel.Information, "{Model}@{Version}: downloading (files: {FileCount}, bytes: {Bytes})")]
    public static partial void ModelDownloading(ILogger logger, string model, string version, int fileCount, long bytes);

    [LoggerMessage(1102, LogLevel.Information, "{Model}@{Version} published and current ({Bytes} bytes in {Elapsed})")]
    public static partial void ModelPublished(ILogger logger, string model, string version, long bytes, TimeSpan elapsed);

    [LoggerMessage(1103, LogLevel.Error, "{Model}@{Version} failed: {Reason}: {Message}")]
    public static partial void ModelFailed(ILogger logger, string model, string version, string reason, string message);

    [LoggerMessage(1104, LogLevel.Error, "{Model}@{Version} failed unexpectedly")]
    public static partial void ModelCrashed(ILogger logger, Exception exception, string model, string version);

    [LoggerMessage(1105, LogLevel.Information, "{Model}: {Source} resolved to version {Version} (files: {FileCount}, bytes: {Bytes})")]
    public static partial void SourceResolved(ILogger logger, string model, string source, string version, int fileCount, long bytes);

    [LoggerMessage(1106, LogLevel.Warning, "{Model}: cannot resolve {Source} ({Reason}: {Message}); keeping {Version}, resolved from it earlier")]
    public static partial void SourceUnreachableKeeping(ILogger logger, string model, string source, string reason, string message, string version);

    [LoggerMessage(1107, LogLevel.Warning, "{Model}: resolving {Source}, attempt {Attempt} failed ({Reason}: {Message}); retrying in {Delay}")]
    public static partial void SourceRetrying(ILogger logger, string model, string source, int attempt, string reason, string message, TimeSpan delay);

    [LoggerMessage(1200, LogLevel.Information, "{Model}: {File} resumes at byte {Offset} of {Size} ({Kept} bytes on disk kept)")]
    public static partial void FileResuming(ILogger logger, string model, string file, long offset, long size, long kept);

    [LoggerMessage(1201, LogLevel.Warning, "{Model}: {File} attempt {Attempt} failed ({Reason}: {Message}); retrying in {Delay}")]
    public static partial void FileRetrying(ILogger logger, string model, string file, int attempt, string reason, string message, TimeSpan delay);

    [LoggerMessage(1300, LogLevel.Warning, "Inventory at {Path} unusable ({Problem}); rebuilt from the markers on disk")]
    public static partial void InventoryRebuilt(ILogger logger, string path, string problem);

    [LoggerMessage(1301, LogLevel.Error, "Writing the inventory {Path} failed: {Message}; it is kept in memory and written again at the next change")]
    public static partial void InventoryWriteFailed(ILogger logger, string path, string message);

    [LoggerMessage(1302, LogLevel.Information, "Writing the inventory {Path} works again")]
    public static partial void InventoryWriteRecovered(ILogger logger, string path);

    [LoggerMessage(1400, LogLevel.Warning, "Store {Root} is locked by another ModelSync process ({Holder}); waiting")]
    public static partial void WaitingForLock(ILogger logger, string root, string holder);
}

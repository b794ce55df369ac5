using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>Events 1850-1899: what the daemon costs on a node: files in flight per model (Sync.FilesInFlight), the idle trim (Hosting.IdleTrim).</summary>
internal static partial class Log
{
    [LoggerMessage(1850, LogLevel.Debug, "{Model}@{Version}: {InFlight} of {FileCount} files in flight at once")]
    public static partial void FilesInFlight(ILogger logger, string model, string version, int inFlight, int fileCount);

    [LoggerMessage(1851, LogLevel.Debug, "Idle: memory given back after {AllocatedMiB} MiB allocated since the last trim (managed heap {HeapMiB} MiB, committed {CommittedMiB} MiB; page-out advised for {AdvisedMiB} MiB of read-only file mappings; resident {ResidentMiB} MiB)")]
    public static partial void IdleTrimmed(ILogger logger, long allocatedMiB, long heapMiB, long committedMiB, long advisedMiB, long residentMiB);
}

using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>Events 1850-1899: how a model's files are spread over connections (Sync.FilesInFlight).</summary>
internal static partial class Log
{
    [LoggerMessage(1850, LogLevel.Debug, "{Model}@{Version}: {InFlight} of {FileCount} files in flight at once")]
    public static partial void FilesInFlight(ILogger logger, string model, string version, int inFlight, int fileCount);
}

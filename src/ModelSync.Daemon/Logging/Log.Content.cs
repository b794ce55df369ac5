using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>Content reuse: what a node already holds is not fetched again (docs/daemon.md, "Reuse").</summary>
internal static partial class Log
{
    [LoggerMessage(1108, LogLevel.Information, "{Model}@{Version}: already on this node: files {ReusedFiles} of {FileCount}, bytes {ReusedBytes}; to fetch: files {FetchFiles}, bytes {FetchBytes}")]
    public static partial void ModelPlanned(ILogger logger, string model, string version, int reusedFiles, int fileCount, long reusedBytes, int fetchFiles, long fetchBytes);

    [LoggerMessage(1109, LogLevel.Debug, "{Model}: {File} reused from {From} by {How}")]
    public static partial void FileReused(ILogger logger, string model, string file, string from, string how);

    [LoggerMessage(1110, LogLevel.Warning, "{Model}: the stored copy {From} of {File} is damaged ({Damage}); condemned {Condemned}, fetching the file instead")]
    public static partial void ReuseRejected(ILogger logger, string model, string file, string from, string damage, string condemned);

    [LoggerMessage(1111, LogLevel.Information, "{Model}: the stored copy {From} of {File} cannot serve ({Why}); trying the next copy or the source")]
    public static partial void ReuseSkipped(ILogger logger, string model, string file, string from, string why);
}

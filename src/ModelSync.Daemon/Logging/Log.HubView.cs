using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>The Hugging Face cache view of the store, <c>hub/</c> (docs/store-format.md, "The hub view").</summary>
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Information, "Hub view {Repo}: refs/{Revision} now names {Commit}")]
    public static partial void HubViewRefSwitched(ILogger logger, string repo, string revision, string commit);

    [LoggerMessage(1501, LogLevel.Debug, "Hub view {Repo}: snapshot {Commit} made ({FileCount} files)")]
    public static partial void HubViewSnapshot(ILogger logger, string repo, string commit, int fileCount);

    [LoggerMessage(1502, LogLevel.Information, "Hub view: removed {What}; no published version needs it")]
    public static partial void HubViewRemoved(ILogger logger, string what);

    [LoggerMessage(1503, LogLevel.Warning, "Hub view: {What} is left out: {Why}")]
    public static partial void HubViewSkipped(ILogger logger, string what, string why);

    [LoggerMessage(1504, LogLevel.Warning, "Hub view {Dir} could not be brought up to date; the next refresh tries again")]
    public static partial void HubViewFailed(ILogger logger, Exception exception, string dir);
}

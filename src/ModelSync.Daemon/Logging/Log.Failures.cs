using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>The failure policy's messages (docs/daemon.md, "Failure policy"); event ids 1800–1849.</summary>
internal static partial class Log
{
    [LoggerMessage(1800, LogLevel.Warning, "{Model}@{Version} parked ({Reason}): not fetched again until the manifest entry, the source ({Validator}) or an operator's retry changes")]
    public static partial void ModelParked(ILogger logger, string model, string version, string reason, string validator);

    [LoggerMessage(1801, LogLevel.Warning, "{Model}@{Version}: failed pass {Passes} in a row; next attempt not before {NotBefore:u}")]
    public static partial void ModelBackingOff(ILogger logger, string model, string version, int passes, DateTimeOffset notBefore);

    [LoggerMessage(1806, LogLevel.Warning, "{Model}@{Version}: waiting for room (pass {Passes} in a row); the capacity guard is asked again at every pass, no backoff")]
    public static partial void ModelWaitingForRoom(ILogger logger, string model, string version, int passes);

    [LoggerMessage(1807, LogLevel.Warning, "{Model}@{Version}: a running pod pins this version and the manifest gives it other content; published once the pin is released (asked again at every pass)")]
    public static partial void ModelWaitingForPin(ILogger logger, string model, string version);

    [LoggerMessage(1802, LogLevel.Debug, "{Model}: backing off until {NotBefore:u}; skipped this pass")]
    public static partial void ModelBackoffSkipped(ILogger logger, string model, DateTimeOffset notBefore);

    [LoggerMessage(1803, LogLevel.Debug, "{Model}: still parked, {File} unchanged at the source ({Validator}); skipped this pass")]
    public static partial void ModelStillParked(ILogger logger, string model, string file, string validator);

    [LoggerMessage(1804, LogLevel.Information, "{Model}: {What} changed since it failed; trying again")]
    public static partial void ModelFailureLifted(ILogger logger, string model, string what);

    [LoggerMessage(1805, LogLevel.Information, "{Model}: failure state cleared by an operator's retry")]
    public static partial void ModelFailureCleared(ILogger logger, string model);
}

using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>Stopping one-shot verbs, the live control channel and the progress display: event IDs 1750-1799, 2400-2449.</summary>
internal static partial class Log
{
    [LoggerMessage(1750, LogLevel.Warning, "Stopped by {Signal} after {Elapsed}: downloads left at a resumable point, inventory flushed; run sync again to resume")]
    public static partial void SyncStopped(ILogger logger, string signal, string elapsed);

    [LoggerMessage(1751, LogLevel.Information, "{Signal} received: stopping at a resumable point")]
    public static partial void StopRequested(ILogger logger, string signal);

    [LoggerMessage(2400, LogLevel.Information, "Control channel listening on {Socket}")]
    public static partial void ControlListening(ILogger logger, string socket);

    [LoggerMessage(2401, LogLevel.Information, "Control request {Operation} {Argument}: exit {ExitCode}")]
    public static partial void ControlRequest(ILogger logger, string operation, string argument, int exitCode);

    [LoggerMessage(2402, LogLevel.Information, "Retry requested for {Models}: failure state cleared, reconcile requested")]
    public static partial void RetryRequested(ILogger logger, string models);

    [LoggerMessage(2403, LogLevel.Warning, "Control channel on {Socket} could not start; live verify/gc/retry unavailable")]
    public static partial void ControlFailed(ILogger logger, Exception exception, string socket);
}

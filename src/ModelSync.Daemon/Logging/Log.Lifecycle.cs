using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>The model lifecycle's own messages (docs/daemon.md, "A model's lifecycle"); event ids 1310–1319.</summary>
internal static partial class Log
{
    [LoggerMessage(1310, LogLevel.Debug, "{Model}: {Transition} refused in state {State} ({Version})")]
    public static partial void TransitionRefused(ILogger logger, string model, string transition, string state, string version);
}

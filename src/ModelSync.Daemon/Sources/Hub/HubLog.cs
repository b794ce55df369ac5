using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary>hf:// sources through an in-cluster hub-cache (docs/deploy.md, "hub-cache"): ids 1700–1749.</summary>
internal static partial class HubLog
{
    [LoggerMessage(1700, LogLevel.Warning, "{Model}: hub endpoint {Endpoint} does not answer ({Reason}: {Error}); resolving from the fallback {Fallback} this pass (sync.hfFallback)")]
    public static partial void HubFallingBack(ILogger logger, string model, string endpoint, string reason, string error, string fallback);
}

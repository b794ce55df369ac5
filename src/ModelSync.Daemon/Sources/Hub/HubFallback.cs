using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary>
/// <c>sync.hfFallback</c>: when the hub endpoint a node resolves through (an in-cluster hub-cache) does not
/// answer, either resolve from the fallback hub this pass or fail naming the endpoint. Only a silent endpoint
/// counts (refused, reset, unresolvable, stalled, or no hub JSON): an HTTP status is the hub's own answer
/// relayed (a 401, a 404, a 429), which the origin would give as well.
/// </summary>
internal static class HubFallback
{
    public static bool IsDown(DownloadException ex) => ex.Reason is FailureReason.SourceUnreachable or FailureReason.Stalled;

    /// <summary>The failure with no fallback to try, saying which endpoint failed and that none is set.</summary>
    public static DownloadException NoFallback(Uri endpoint, DownloadException ex) =>
        new(ex.Reason, $"hub endpoint {HttpSource.Redact(endpoint)} does not answer and sync.hfFallback is fail: {ex.Message}", ex.Transient, ex.RetryAfter, ex);

    /// <summary>The fallback failed too: both are named, the fallback's reason is kept.</summary>
    public static DownloadException BothDown(Uri endpoint, DownloadException first, Uri fallback, DownloadException second) =>
        new(second.Reason,
            $"hub endpoint {HttpSource.Redact(endpoint)} does not answer ({first.Message}), nor does the fallback {HttpSource.Redact(fallback)}: {second.Message}",
            second.Transient, second.RetryAfter, second);
}

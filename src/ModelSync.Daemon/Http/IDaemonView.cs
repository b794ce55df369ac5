using ModelSync.Daemon.Metrics;

namespace ModelSync.Daemon.Http;

/// <summary>What the endpoints read. Declared here and implemented by the host, so the HTTP surface does
/// not depend on the run-mode parts above it (the manifest in force, the loop, the store lock).</summary>
internal interface IDaemonView
{
    /// <summary>Null when healthy, else why /healthz fails.</summary>
    string? Unhealthy();

    /// <summary>Null when ready, else why /readyz fails.</summary>
    string? NotReady();

    StatusDocument Status();

    void RefreshMetrics(DaemonMetrics metrics);
}

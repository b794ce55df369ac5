using ModelSync.Daemon.Metrics;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// The engine's observer in run mode: everything goes to the metrics, and every report also counts as
/// progress of the pass for the health check (<see cref="HealthPolicy"/>). Joined here, not in
/// <see cref="DaemonMetrics"/>, so the metrics know nothing of the loop above them.
/// </summary>
internal sealed class RunObserver(DaemonMetrics metrics, ReconcileStatus status) : ISyncObserver
{
    public void BytesReceived(string model, long bytes)
    {
        metrics.BytesReceived(model, bytes);
        status.Activity();
    }

    public void Retrying(string model, string reason)
    {
        metrics.Retrying(model, reason);
        status.Activity();
    }

    public void ModelDownloaded(string model, long bytes, TimeSpan elapsed)
    {
        metrics.ModelDownloaded(model, bytes, elapsed);
        status.Activity();
    }

    public void ModelFailed(string model, long bytesSpent)
    {
        metrics.ModelFailed(model, bytesSpent);
        status.Activity();
    }
}

namespace ModelSync.Daemon.Metrics;

/// <summary>
/// What the sync engine reports as it works, for metrics, live rates and the health check.
/// Called on download threads: implementations must be cheap and thread-safe, and must not throw.
/// </summary>
internal interface ISyncObserver
{
    /// <summary>Bytes received from a source and written to staging (never negative).</summary>
    void BytesReceived(string model, long bytes);

    /// <summary>An attempt failed and will be retried; <paramref name="reason"/> is a <c>FailureReason</c> name.</summary>
    void Retrying(string model, string reason);

    /// <summary>A version was downloaded, verified and published.</summary>
    void ModelDownloaded(string model, long bytes, TimeSpan elapsed);

    /// <summary>A model's pass ended Failed after receiving <paramref name="bytesSpent"/> bytes from its source.</summary>
    void ModelFailed(string model, long bytesSpent);
}

/// <summary>The observer of the one-shot verbs: reports go nowhere.</summary>
internal sealed class NullSyncObserver : ISyncObserver
{
    public static readonly NullSyncObserver Instance = new();

    public void BytesReceived(string model, long bytes)
    {
    }

    public void Retrying(string model, string reason)
    {
    }

    public void ModelDownloaded(string model, long bytes, TimeSpan elapsed)
    {
    }

    public void ModelFailed(string model, long bytesSpent)
    {
    }
}

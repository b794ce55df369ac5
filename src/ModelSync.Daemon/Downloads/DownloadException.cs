namespace ModelSync.Daemon.Downloads;

/// <summary>
/// A failed download attempt. <see cref="Transient"/> ones are retried by the pipeline; the rest fail
/// the model at once. <see cref="RetryAfter"/> carries what the server asked for (Retry-After, RateLimit).
/// </summary>
public sealed class DownloadException : Exception
{
    public DownloadException(FailureReason reason, string message, bool transient, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        Transient = transient;
        RetryAfter = retryAfter;
    }

    public FailureReason Reason { get; }

    public bool Transient { get; }

    public TimeSpan? RetryAfter { get; }
}

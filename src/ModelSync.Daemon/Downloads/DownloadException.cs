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

    /// <summary>The model's file the failure is about, when it is about one.</summary>
    public string? File { get; private init; }

    /// <summary>This failure, said of <paramref name="file"/> fetched from <paramref name="url"/> (redacted: no
    /// query, no credentials), so the log, the inventory and the page name both.</summary>
    public DownloadException About(string file, string url) =>
        File is not null ? this : new(Reason, $"{file} from {url}: {Message}", Transient, RetryAfter, this) { File = file };
}

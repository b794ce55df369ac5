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

    /// <summary>A model whose signature does not verify, or whose files the signature does not vouch for
    /// (<c>Signatures/</c>): deterministic, so parked like a wrong digest.</summary>
    public static DownloadException SignatureInvalid(string message, string? file) =>
        new(FailureReason.SignatureInvalid, message, transient: false) { File = file };

    /// <summary>This failure, said of <paramref name="file"/> fetched from <paramref name="url"/> (redacted: no
    /// query, no credentials), so the log, the inventory and the page name both.</summary>
    public DownloadException About(string file, string url) =>
        File is not null ? this : new(Reason, $"{file} from {url}: {Message}", Transient, RetryAfter, this) { File = file };
}

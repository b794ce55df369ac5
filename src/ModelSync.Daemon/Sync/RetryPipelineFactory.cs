using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using Polly;
using Polly.Retry;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// The Polly pipeline every file attempt runs in: exponential backoff with jitter between
/// <c>retry.baseDelay</c> and <c>retry.maxDelay</c>, except where the server said how long to wait.
/// </summary>
internal static class RetryPipelineFactory
{
    /// <summary>A server asking for longer than this is treated as asking for this.</summary>
    public static readonly TimeSpan MaxServerDelay = TimeSpan.FromMinutes(10);

    /// <param name="retryable">Further narrows which transient failures are retried (null: all of them).</param>
    public static ResiliencePipeline Create(RetrySettings retry, TimeProvider time, Func<OnRetryArguments<object>, ValueTask> onRetry, Func<DownloadException, bool>? retryable = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DownloadException>(e => e.Transient && (retryable is null || retryable(e))),
                MaxRetryAttempts = retry.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                DelayGenerator = static args => ValueTask.FromResult(
                    args.Outcome.Exception is DownloadException { RetryAfter: { } wait }
                        ? (TimeSpan?)(wait < MaxServerDelay ? wait : MaxServerDelay)
                        : null),
                OnRetry = onRetry,
            });
        }

        return builder.Build();
    }
}

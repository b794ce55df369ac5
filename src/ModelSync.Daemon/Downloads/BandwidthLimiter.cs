using System.Threading.RateLimiting;

namespace ModelSync.Daemon.Downloads;

/// <summary>One token bucket of bytes for the whole node (<c>sync.bandwidthLimit</c>), shared by every
/// connection, refilled every 50 ms so the rate is smooth rather than bursty per second.</summary>
internal sealed class BandwidthLimiter : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);
    private readonly TokenBucketRateLimiter? _bucket;

    public BandwidthLimiter(long bytesPerSecond)
    {
        if (bytesPerSecond <= 0)
        {
            return;
        }

        var perPeriod = (int)Math.Clamp(bytesPerSecond / 20, 1, int.MaxValue);
        MaxChunk = (int)Math.Clamp(bytesPerSecond / 10, 1, int.MaxValue);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = MaxChunk,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = Period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>The most bytes one read may ask for, so a request never exceeds the bucket.</summary>
    public int MaxChunk { get; } = int.MaxValue;

    public async ValueTask AcquireAsync(int bytes, CancellationToken ct)
    {
        if (_bucket is null || bytes <= 0)
        {
            return;
        }

        using var lease = await _bucket.AcquireAsync(Math.Min(bytes, MaxChunk), ct);
    }

    public ValueTask DisposeAsync() => _bucket?.DisposeAsync() ?? ValueTask.CompletedTask;
}

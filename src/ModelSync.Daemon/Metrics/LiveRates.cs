namespace ModelSync.Daemon.Metrics;

/// <summary>Bytes/s per model over the last few seconds, for /status and the page. Ten half-second
/// buckets per model: constant memory however fast bytes arrive.</summary>
internal sealed class LiveRates(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private const int Buckets = 10;
    private static readonly long BucketTicks = Window.Ticks / Buckets;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Slot, long Bytes)[]> _models = new(StringComparer.Ordinal);

    public void Add(string model, long bytes)
    {
        var slot = Slot();
        lock (_lock)
        {
            if (!_models.TryGetValue(model, out var ring))
            {
                _models[model] = ring = new (long, long)[Buckets];
            }

            ref var bucket = ref ring[slot % Buckets];
            bucket = bucket.Slot == slot ? (slot, bucket.Bytes + bytes) : (slot, bytes);
        }
    }

    /// <summary>Bytes/s of <paramref name="model"/> over the window; 0 when nothing arrived in it.</summary>
    public double Rate(string model)
    {
        var slot = Slot();
        lock (_lock)
        {
            return _models.TryGetValue(model, out var ring)
                ? Math.Round(ring.Where(b => b.Slot > slot - Buckets && b.Slot <= slot).Sum(b => b.Bytes) / Window.TotalSeconds, 1)
                : 0;
        }
    }

    /// <summary>Bytes/s of every model that received bytes within the window.</summary>
    public IReadOnlyDictionary<string, double> Snapshot()
    {
        var slot = Slot();
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var (model, ring) in _models)
            {
                var bytes = ring.Where(b => b.Slot > slot - Buckets && b.Slot <= slot).Sum(b => b.Bytes);
                if (bytes > 0)
                {
                    rates[model] = Math.Round(bytes / Window.TotalSeconds, 1);
                }
            }
        }

        return rates;
    }

    private long Slot() => time.GetUtcNow().UtcTicks / BucketTicks;
}

using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Walk;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Metrics;

/// <summary>Disk use of the store as the capacity guard counts it (<see cref="DiskUsage.StoreBytes"/>).</summary>
internal sealed record StoreUsageView(string Root, long BytesUsed, long? CapacityBytes, long ReserveBytes, long FilesystemFreeBytes, long FilesystemTotalBytes);

/// <summary>Walks the store at most every <see cref="CacheFor"/>, so /status every 2 s and scrapes stay cheap,
/// and again as soon as the inventory file changed or the store did (<see cref="Invalidate"/>, raised with
/// <c>StoreChanges</c>: a publication reaches the in-memory inventory before its batched write bumps the
/// generation): only this process writes the store, so in between the walk would find the same bytes, give or
/// take progress.</summary>
internal sealed class StoreUsage(TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private (DateTimeOffset At, long? Generation, StoreUsageView View)? _cached;

    /// <summary>The store changed (a publication, a GC, a condemnation): the next read walks it again.</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            _cached = null;
        }
    }

    public StoreUsageView Read(StoreSettings store, long? inventoryGeneration)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_cached is { } c && now - c.At < CacheFor && c.Generation == inventoryGeneration
                && c.View.Root == store.Root && c.View.CapacityBytes == store.Capacity)
            {
                return c.View;
            }
        }

        var layout = new StoreLayout(store.Root);
        var used = StoreWalk.Take(layout, countBytes: true, probePins: false).Bytes;
        long free = 0, total = 0;
        try
        {
            var drive = new DriveInfo(layout.Root);
            free = drive.AvailableFreeSpace;
            total = drive.TotalSize;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The root may not exist yet (first start); report zeros rather than fail the endpoint.
        }

        var view = new StoreUsageView(store.Root, used, store.Capacity, store.Reserve.BytesOf(total), free, total);
        lock (_lock)
        {
            _cached = (now, inventoryGeneration, view);
        }

        return view;
    }
}

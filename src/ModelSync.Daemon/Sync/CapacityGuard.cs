using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Walk;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Sync;

/// <summary>What a model's download still needs room for: the bytes of the files it fetches, staged at
/// <paramref name="FetchTargets"/> (files reused from this node as hard links need none).</summary>
internal sealed record CapacityNeed(string Name, long FetchBytes, IReadOnlyList<string> FetchTargets);

/// <summary>
/// Refuses a download that would push the store over <c>store.capacity</c> or the filesystem under
/// <c>store.reserve</c>, before a byte is fetched. One guard per reconcile pass: models downloading at
/// the same time are checked and reserved in one step, each counted at its full size, so two that
/// fit alone cannot together overshoot. A file shared by several versions counts once. On-demand models
/// (<paramref name="onDemand"/>) also fit together within <c>store.onDemandCapacity</c>.
/// </summary>
internal sealed class CapacityGuard(StoreLayout layout, StoreSettings store, IReadOnlySet<string>? onDemand = null)
{
    private const long RecordsRoom = 1 << 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, CapacityNeed> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _shortfalls = new(StringComparer.Ordinal);

    /// <summary>Bytes the refused downloads of this pass lacked, together: what GC evicts for after the pass.</summary>
    public long Shortfall
    {
        get
        {
            lock (_lock)
            {
                return _shortfalls.Values.Sum();
            }
        }
    }

    /// <summary>A reservation released when the model's download ends, or null with why it does not fit.</summary>
    public IDisposable? TryReserve(CapacityNeed need, out string? problem)
    {
        lock (_lock)
        {
            problem = Check(need, out var shortfall);
            if (problem is not null)
            {
                _shortfalls[need.Name] = shortfall;
                problem += PinnedVersions.InTheWay(layout);
                return null;
            }

            _shortfalls.Remove(need.Name);

            _inFlight[need.Name] = need;
            return new Reservation(this, need.Name);
        }
    }

    // Bytes already staged for the files to fetch count as used and need no new room; a staged hard link
    // of a published file is not the download's own.
    private static long StillToCome(CapacityNeed need) => Math.Max(0, need.FetchBytes - DiskUsage.OwnBytes(need.FetchTargets));

    private string? Check(CapacityNeed model, out long shortfall)
    {
        shortfall = 0;
        var needed = StillToCome(model);
        var othersStillToCome = _inFlight.Values.Sum(StillToCome);
        if (onDemand is not null && onDemand.Contains(model.Name) && store.OnDemandLimit is { } limit)
        {
            var used = DiskUsage.UniqueBytes([.. onDemand.Select(layout.ModelDir).Where(Directory.Exists)])
                + _inFlight.Values.Where(n => onDemand.Contains(n.Name)).Sum(StillToCome);
            if (used + needed > limit)
            {
                shortfall = used + needed - limit;
                return $"needs {ByteText.Format(needed)} more; on-demand models use {ByteText.Format(used)} (with downloads in flight) of the {ByteText.Format(limit)} store.onDemandCapacity allows"
                    + (store.OnDemandCapacity is null ? " (half of store.capacity)" : "");
            }
        }

        if (store.Capacity is { } capacity)
        {
            var used = StoreWalk.Take(layout, countBytes: true, probePins: false).Bytes + othersStillToCome; // as DiskUsage.StoreBytes, cheaper
            if (used + needed > capacity)
            {
                shortfall = used + needed - capacity;
                return $"needs {ByteText.Format(needed)} more; the store uses {ByteText.Format(used)} (with downloads in flight) of its {ByteText.Format(capacity)} capacity";
            }
        }

        var drive = new DriveInfo(layout.Root);
        var free = drive.AvailableFreeSpace - othersStillToCome;
        // Whatever the reserve, room for the store's own records (markers, inventory, resume records): a download
        // whose preallocated bytes are all staged needs none, but it could not publish on a full disk.
        var reserve = Math.Max(store.Reserve.BytesOf(drive.TotalSize), RecordsRoom);
        var what = store.Reserve.IsPercent ? $"{ByteText.Format(reserve)} (store.reserve {store.Reserve} of {ByteText.Format(drive.TotalSize)})" : ByteText.Format(reserve);
        shortfall = Math.Max(0, reserve - (free - needed));
        return free - needed < reserve
            ? $"needs {ByteText.Format(needed)} but the filesystem has {ByteText.Format(free)} free (after downloads in flight) and {what} must stay free"
            : null;
    }

    private sealed class Reservation(CapacityGuard guard, string name) : IDisposable
    {
        public void Dispose()
        {
            lock (guard._lock)
            {
                guard._inFlight.Remove(name);
            }
        }
    }
}

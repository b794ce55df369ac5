using ModelSync.Daemon.Gc;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// <see cref="VersionsOnDisk"/> at most every <see cref="CacheFor"/>, so /status every 2 s and metric scrapes
/// probe each version's pin once per period, not once per reader. Pins come and go without the daemon's
/// doing, so unlike the store's byte count this is not tied to inventory changes.
/// </summary>
internal sealed class VersionsSnapshot(GarbageCollector gc, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private (DateTimeOffset At, string Root, IReadOnlyList<VersionView> Versions)? _cached;

    public IReadOnlyList<VersionView> Read(string root)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_cached is { } c && now - c.At < CacheFor && c.Root == root)
            {
                return c.Versions;
            }

            IReadOnlyList<VersionView> versions;
            try
            {
                versions = VersionsOnDisk.Look(new StoreLayout(root), gc.LastSeenPinned, now, gc.Markers);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                versions = []; // a GC removing a version under the scan: the next read sees the result
            }

            _cached = (now, root, versions);
            return versions;
        }
    }
}

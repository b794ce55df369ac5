using ModelSync.Daemon.Manifest;
using ModelSync.Store.Layout;
using ByteSize = ModelSync.Store.Text.ByteText;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// Refuses a download that would push the store over <c>store.capacity</c> or the filesystem under
/// <c>store.reserve</c>, before a byte is fetched. One guard per reconcile pass: models downloading at
/// the same time are checked and reserved in one step, each counted at its full size, so two that
/// fit alone cannot together overshoot.
/// </summary>
internal sealed class CapacityGuard(StoreLayout layout, StoreSettings store)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ModelSpec> _inFlight = new(StringComparer.Ordinal);

    /// <summary>A reservation released when the model's download ends, or null with why it does not fit.</summary>
    public IDisposable? TryReserve(ModelSpec model, out string? problem)
    {
        lock (_lock)
        {
            problem = Check(model);
            if (problem is not null)
            {
                return null;
            }

            _inFlight[model.Name] = model;
            return new Reservation(this, model.Name);
        }
    }

    /// <summary>Bytes the store holds on disk: published versions, staging and trash awaiting deletion.</summary>
    public static long StoreBytes(StoreLayout layout) =>
        DirectoryBytes(layout.ModelsDir) + DirectoryBytes(layout.StagingRoot) + DirectoryBytes(layout.TrashDir);

    public static long DirectoryBytes(string path)
    {
        if (!Directory.Exists(path))
        {
            return 0;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return new DirectoryInfo(path).EnumerateFiles("*", options).Sum(f => f.Length);
    }

    private long Staged(ModelSpec model) => DirectoryBytes(layout.StagingDir(model.Name, model.Version));

    private string? Check(ModelSpec model)
    {
        // Staged bytes of a version already count as used and need no new room.
        var needed = Math.Max(0, model.TotalBytes - Staged(model));
        var othersStillToCome = _inFlight.Values.Sum(m => Math.Max(0, m.TotalBytes - Staged(m)));
        if (store.Capacity is { } capacity)
        {
            var used = StoreBytes(layout) + othersStillToCome;
            if (used + needed > capacity)
            {
                return $"needs {ByteSize.Format(needed)} more; the store uses {ByteSize.Format(used)} (with downloads in flight) of its {ByteSize.Format(capacity)} capacity";
            }
        }

        var free = new DriveInfo(layout.Root).AvailableFreeSpace - othersStillToCome;
        return free - needed < store.Reserve
            ? $"needs {ByteSize.Format(needed)} but the filesystem has {ByteSize.Format(free)} free (after downloads in flight) and {ByteSize.Format(store.Reserve)} must stay free"
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

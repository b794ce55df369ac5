using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Daemon.Content;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Gc;

/// <summary>The outcome of one GC: what was (or, dry, would be) removed, what could not be, and the bytes the
/// plan frees (a file a kept version shares frees nothing).</summary>
internal sealed record GcResult(DateTimeOffset At, bool DryRun, IReadOnlyList<GcItem> Removed, IReadOnlyList<string> Failures)
{
    public long FreedBytes { get; init; }

    /// <summary>What the rules would remove but pins keep (docs/store-format.md, "Pins").</summary>
    public IReadOnlyList<GcKept> Kept { get; init; } = [];

    /// <summary>What of <see cref="Removed"/> was evicted to make room for a download that did not fit.</summary>
    public IReadOnlyList<GcItem> Evicted { get; init; } = [];
}

/// <summary>
/// Removes what <see cref="GcPlanner"/> selects. Version and model directories are first renamed into
/// <c>.modelsync/trash/</c> (one atomic step, so nobody sees a half-deleted version under <c>models/</c>),
/// then deleted. A failure is logged and the rest goes on; the next run tries again.
/// Callers hold the store lock and run no download at the same time (run mode: after each reconcile pass).
/// Pins: every version directory (and trash entry) is probed with <c>flock(LOCK_EX|LOCK_NB)</c>; a pinned one, or
/// one released within <c>store.pinGrace</c> (<see cref="PinWatch"/>), is kept; a removal takes the exclusive
/// lock again and holds it across the rename into trash, so a pin taken after the look keeps the version too.
/// </summary>
internal sealed class GarbageCollector(TimeProvider time, StoreChanges changes, ILogger<GarbageCollector> logger, MarkerCache? markers = null)
{
    private readonly PinWatch _pins = new(time);

    /// <summary>When a GC look last found a version (relative path) pinned: its last use, for status.</summary>
    public DateTimeOffset? LastSeenPinned(string version) => _pins.LastSeenPinned(version);

    /// <summary>The daemon's marker cache (null in a one-shot <c>gc</c>), shared with the status look.</summary>
    public MarkerCache? Markers => markers;

    /// <param name="evictBytes">Bytes a download of the last pass lacked (<c>ReconcileResult.Shortfall</c>): after what
    /// the rules remove, previous versions are evicted, least recently used first, until that much is free.</param>
    public GcResult Collect(StoreLayout layout, ModelManifest manifest, bool dryRun, long evictBytes = 0)
    {
        // A hub model's version is the commit its last pass resolved, recorded in the inventory; keeping
        // it keeps a half-downloaded commit's staging for the next pass to resume.
        var inventory = manifest.Models.Any(m => m.SourceKey is not null) ? InventoryFile.Read(layout).Inventory : null;
        var wanted = manifest.Models.ToDictionary(
            m => m.Name,
            m => m.SourceKey is null ? m.Version : inventory?.Find(m.Name)?.Version ?? "",
            StringComparer.Ordinal);
        var scan = StoreScan.Read(layout, markers);
        var holds = _pins.Look(ProbePins(layout, scan), manifest.Store.PinGrace);
        var planned = GcPlanner.Plan(layout, scan, wanted, manifest.Store.KeepVersions, holds);
        var kept = planned.Kept;
        var plan = planned.Remove.ToList();
        var freed = DiskUsage.FreedBy(plan.Select(i => i.Path));
        var evicted = Eviction.Choose(planned.Evictable, evictBytes - freed, _pins.LastSeenPinned,
            chosen => DiskUsage.FreedBy(plan.Select(i => i.Path).Concat(chosen)) - freed, time.GetUtcNow());
        if (evicted.Count > 0)
        {
            plan.AddRange(evicted);
            freed = DiskUsage.FreedBy(plan.Select(i => i.Path));
            Log.Evicting(logger, evicted.Count, ByteText.Format(evictBytes));
        }

        if (dryRun)
        {
            return new GcResult(time.GetUtcNow(), true, plan, []) { FreedBytes = freed, Kept = kept, Evicted = evicted };
        }

        var removed = new List<GcItem>();
        var failures = new List<string>();
        var keptNow = kept.ToList();
        foreach (var item in plan)
        {
            try
            {
                if (!Remove(layout, item))
                {
                    // Pinned between the look and the removal: the exclusive lock was refused.
                    _pins.SeenPinned(item.What);
                    keptNow.Add(new GcKept(item, "pinned"));
                    freed -= DiskUsage.FreedBy([item.Path]);
                    continue;
                }

                removed.Add(item);
                if (item.Kind != GcKind.Trash)
                {
                    Log.GcRemoved(logger, item.What, item.Why);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.GcRemoveFailed(logger, ex, item.What);
                failures.Add($"{item.What}: {ex.Message}");
            }
        }

        changes.Raise(layout); // the removed versions leave hub/ too
        foreach (var k in keptNow)
        {
            Log.GcKeptPinned(logger, k.Item.What, k.Why);
        }

        return new GcResult(time.GetUtcNow(), false, removed, failures)
        {
            FreedBytes = freed,
            Kept = keptNow,
            Evicted = [.. removed.Where(evicted.Contains)],
        };
    }

    /// <summary>One look at every version directory and trash entry: pinned now or not (relative path → pinned).</summary>
    private static Dictionary<string, bool> ProbePins(StoreLayout layout, StoreScan scan)
    {
        var pinned = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var model in scan.Models)
        {
            foreach (var v in model.Versions)
            {
                var dir = layout.VersionDir(model.Name, v.Version);
                pinned[Path.GetRelativePath(layout.Root, dir)] = VersionRemovalLock.IsPinned(dir);
            }
        }

        // A re-published version's old copy is parked in trash: a holder may still have it pinned.
        foreach (var entry in scan.TrashEntries)
        {
            var dir = Path.Combine(layout.TrashDir, entry);
            var isPinned = VersionRemovalLock.IsPinned(dir);
            pinned[Path.GetRelativePath(layout.Root, dir)] = isPinned;
            if (isPinned && StoreLayout.ParkedCopyOf(entry) is var (name, version))
            {
                // A repaired copy's pod reads the good copy at the version's path from now on: hold that too.
                pinned[StoreLayout.VersionRelativePath(name, version)] = true;
            }
        }

        return pinned;
    }

    /// <summary>False when a pin refused the exclusive lock: nothing was touched.</summary>
    private static bool Remove(StoreLayout layout, GcItem item)
    {
        if (item.Kind is GcKind.Version or GcKind.Model)
        {
            // A model dir goes whole only when none of its versions was pinned at the look; lock each version
            // across the rename so a pin taken since then keeps the whole model dir.
            var locks = new List<VersionRemovalLock>();
            try
            {
                var versions = item.Kind == GcKind.Model
                    ? Directory.EnumerateDirectories(item.Path).Where(d => new DirectoryInfo(d).LinkTarget is null).ToList()
                    : [item.Path];
                foreach (var dir in versions)
                {
                    switch (VersionRemovalLock.TryTake(dir, out var held))
                    {
                        case RemovalLockState.Pinned:
                            return false;
                        case RemovalLockState.Locked:
                            locks.Add(held!);
                            break;
                    }
                }

                var trash = layout.TrashDir;
                Directory.CreateDirectory(trash);
                var parked = Path.Combine(trash, $"gc-{item.What.Replace('/', '-')}-{Guid.NewGuid():N}");
                Directory.Move(item.Path, parked);
                Durable.FsyncDirectory(Path.GetDirectoryName(item.Path)!);
                foreach (var held in locks)
                {
                    held.Dispose();
                }

                locks.Clear();
                TreeRemover.Remove(parked);
                return true;
            }
            finally
            {
                foreach (var held in locks)
                {
                    held.Dispose();
                }
            }
        }

        if (item.Kind == GcKind.Trash && Directory.Exists(item.Path) && new DirectoryInfo(item.Path).LinkTarget is null)
        {
            if (VersionRemovalLock.TryTake(item.Path, out var held) == RemovalLockState.Pinned)
            {
                return false;
            }

            using (held)
            {
                TreeRemover.Remove(item.Path);
                return true;
            }
        }

        TreeRemover.Remove(item.Path);
        return true;
    }
}

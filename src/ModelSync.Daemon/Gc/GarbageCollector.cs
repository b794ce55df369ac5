using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Daemon.Content;

namespace ModelSync.Daemon.Gc;

/// <summary>The outcome of one GC: what was (or, dry, would be) removed, what could not be, and the bytes the
/// plan frees (a file a kept version shares frees nothing).</summary>
internal sealed record GcResult(DateTimeOffset At, bool DryRun, IReadOnlyList<GcItem> Removed, IReadOnlyList<string> Failures)
{
    public long FreedBytes { get; init; }
}

/// <summary>
/// Removes what <see cref="GcPlanner"/> selects. Version and model directories are first renamed into
/// <c>.modelsync/trash/</c> (one atomic step, so nobody sees a half-deleted version under <c>models/</c>),
/// then deleted. A failure is logged and the rest goes on; the next run tries again.
/// Callers hold the store lock and run no download at the same time (run mode: after each reconcile pass).
/// </summary>
internal sealed class GarbageCollector(TimeProvider time, StoreChanges changes, ILogger<GarbageCollector> logger)
{
    public GcResult Collect(StoreLayout layout, ModelManifest manifest, bool dryRun)
    {
        // A hub model's version is the commit its last pass resolved, recorded in the inventory; keeping
        // it keeps a half-downloaded commit's staging for the next pass to resume.
        var inventory = manifest.Models.Any(m => m.SourceKey is not null) ? InventoryFile.Read(layout).Inventory : null;
        var wanted = manifest.Models.ToDictionary(
            m => m.Name,
            m => m.SourceKey is null ? m.Version : inventory?.Find(m.Name)?.Version ?? "",
            StringComparer.Ordinal);
        var plan = GcPlanner.Plan(layout, StoreScan.Read(layout), wanted, manifest.Store.KeepVersions);
        var freed = DiskUsage.FreedBy(plan.Select(i => i.Path));
        if (dryRun)
        {
            return new GcResult(time.GetUtcNow(), true, plan, []) { FreedBytes = freed };
        }

        var removed = new List<GcItem>();
        var failures = new List<string>();
        foreach (var item in plan)
        {
            try
            {
                Remove(layout, item);
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
        return new GcResult(time.GetUtcNow(), false, removed, failures) { FreedBytes = freed };
    }

    private static void Remove(StoreLayout layout, GcItem item)
    {
        if (item.Kind is GcKind.Version or GcKind.Model)
        {
            var trash = layout.TrashDir;
            Directory.CreateDirectory(trash);
            var parked = Path.Combine(trash, $"gc-{item.What.Replace('/', '-')}-{Guid.NewGuid():N}");
            Directory.Move(item.Path, parked);
            Durable.FsyncDirectory(Path.GetDirectoryName(item.Path)!);
            TreeRemover.Remove(parked);
            return;
        }

        TreeRemover.Remove(item.Path);
    }
}

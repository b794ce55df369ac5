using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Gc;

internal enum GcKind
{
    /// <summary><c>models/&lt;name&gt;/&lt;version&gt;</c> of a model still in the manifest.</summary>
    Version,

    /// <summary><c>models/&lt;name&gt;</c> of a model no longer in the manifest, with every version.</summary>
    Model,

    /// <summary><c>current/&lt;name&gt;</c> of a model no longer in the manifest, or a leftover temp link.</summary>
    CurrentLink,

    /// <summary>A staging directory or resume state of a version no longer in the manifest.</summary>
    Staging,

    /// <summary>Anything under <c>.modelsync/trash/</c>.</summary>
    Trash,
}

/// <summary>One thing GC removes. <see cref="Path"/> is absolute; <see cref="What"/> is relative to the store root.</summary>
internal sealed record GcItem(GcKind Kind, string Path, string What, string Why);

/// <summary>
/// Decides what GC removes (docs/operations.md, "GC"); pure, so the rules are unit-tested without a disk:
/// <list type="bullet">
/// <item>a model not in the manifest: its <c>current</c> link and every version;</item>
/// <item>a model in the manifest: keeps the version <c>current</c> points to, the manifest's version
/// (published or being downloaded) and the <c>keepVersions</c> newest other published versions (by marker
/// <c>publishedAt</c>); removes the rest, and any version dir without a marker that is neither of the first two;</item>
/// <item>staging of versions not in the manifest; everything in trash.</item>
/// </list>
/// A version (or trash entry) in <c>holds</c> (pinned, or released within <c>store.pinGrace</c>; docs/store-format.md,
/// "Pins") is never removed whatever the rules above say: it goes to <see cref="GcPlan.Kept"/>, and a model
/// not in the manifest keeps <c>models/&lt;name&gt;/</c> with it (its other versions go one by one).
/// </summary>
internal static class GcPlanner
{
    public static IReadOnlyList<GcItem> Plan(StoreLayout layout, StoreScan scan, IReadOnlyDictionary<string, string> wanted, int keepVersions) =>
        Plan(layout, scan, wanted, keepVersions, new Dictionary<string, PinHold>()).Remove;

    /// <param name="holds">Keyed by the path relative to the store root (<see cref="GcItem.What"/>).</param>
    public static GcPlan Plan(StoreLayout layout, StoreScan scan, IReadOnlyDictionary<string, string> wanted, int keepVersions, IReadOnlyDictionary<string, PinHold> holds)
    {
        var items = new List<GcItem>();
        var kept = new List<GcKept>();
        var evictable = new List<GcEvictable>();
        foreach (var link in scan.CurrentLinks.Where(l => !wanted.ContainsKey(l)))
        {
            items.Add(Item(layout, GcKind.CurrentLink, layout.CurrentLink(link), "model not in the manifest"));
        }

        foreach (var temp in scan.CurrentTempFiles)
        {
            items.Add(Item(layout, GcKind.CurrentLink, Path.Combine(layout.CurrentDir, temp), "leftover of an interrupted link switch"));
        }

        foreach (var model in scan.Models)
        {
            if (!wanted.TryGetValue(model.Name, out var version))
            {
                var pinned = model.Versions.Where(v => holds.ContainsKey(What(layout, layout.VersionDir(model.Name, v.Version)))).ToList();
                if (pinned.Count == 0)
                {
                    items.Add(Item(layout, GcKind.Model, layout.ModelDir(model.Name), "model not in the manifest"));
                    continue;
                }

                foreach (var v in model.Versions)
                {
                    AddUnlessHeld(items, kept, holds, Item(layout, GcKind.Version, layout.VersionDir(model.Name, v.Version), "model not in the manifest"));
                }

                continue;
            }

            var keep = new HashSet<string>(StringComparer.Ordinal) { version };
            if (model.Current is { } current)
            {
                keep.Add(current);
            }

            var previous = model.Versions
                .Where(v => !keep.Contains(v.Version) && v.PublishedAt is not null)
                .OrderByDescending(v => v.PublishedAt)
                .ThenByDescending(v => v.Version, StringComparer.Ordinal)
                .ToList();
            var newest = previous.Take(keepVersions).Select(v => v.Version).ToHashSet(StringComparer.Ordinal);
            foreach (var v in model.Versions.Where(v => !keep.Contains(v.Version) && !newest.Contains(v.Version)))
            {
                var why = v.PublishedAt is null
                    ? "no marker: not a published version"
                    : $"older than the {keepVersions} previous version(s) kept (store.keepVersions)";
                AddUnlessHeld(items, kept, holds, Item(layout, GcKind.Version, layout.VersionDir(model.Name, v.Version), why));
            }

            // Kept only for a rollback: what eviction under capacity pressure may take, unless a pin holds it.
            foreach (var v in previous.Where(v => newest.Contains(v.Version)))
            {
                var item = Item(layout, GcKind.Version, layout.VersionDir(model.Name, v.Version), "previous version (store.keepVersions)");
                if (!holds.ContainsKey(item.What))
                {
                    evictable.Add(new GcEvictable(item, v.PublishedAt!.Value));
                }
            }
        }

        foreach (var staged in scan.Staging)
        {
            var modelDir = Path.Combine(layout.StagingRoot, staged.Model);
            if (!wanted.TryGetValue(staged.Model, out var version))
            {
                // A whole model dir goes at once when the model left the manifest.
                if (!items.Any(i => i.Kind == GcKind.Staging && i.Path == modelDir))
                {
                    items.Add(Item(layout, GcKind.Staging, modelDir, "model not in the manifest"));
                }

                continue;
            }

            if (staged.Entry is not null && staged.Entry != version && staged.Entry != version + StoreLayout.ResumeSuffix)
            {
                items.Add(Item(layout, GcKind.Staging, Path.Combine(modelDir, staged.Entry), "version not in the manifest"));
            }
        }

        foreach (var entry in scan.TrashEntries)
        {
            AddUnlessHeld(items, kept, holds, Item(layout, GcKind.Trash, Path.Combine(layout.TrashDir, entry), "trash"));
        }

        return new GcPlan(items, kept) { Evictable = evictable };
    }

    private static void AddUnlessHeld(List<GcItem> items, List<GcKept> kept, IReadOnlyDictionary<string, PinHold> holds, GcItem item)
    {
        if (holds.TryGetValue(item.What, out var hold))
        {
            kept.Add(new GcKept(item, hold.Why));
        }
        else
        {
            items.Add(item);
        }
    }

    private static string What(StoreLayout layout, string path) => Path.GetRelativePath(layout.Root, path);

    private static GcItem Item(StoreLayout layout, GcKind kind, string path, string why) =>
        new(kind, path, What(layout, path), why);
}

/// <summary>A version GC would remove but keeps: <see cref="Why"/> is <c>pinned</c> or how long ago its pin was released.</summary>
internal sealed record GcKept(GcItem Item, string Why);

/// <summary>A previous version kept for a rollback that no manifest entry needs and no pin holds: evicted, least
/// recently used first, when a download does not fit (<see cref="Eviction"/>).</summary>
internal sealed record GcEvictable(GcItem Item, DateTimeOffset PublishedAt);

/// <summary>What to remove, what the rules would remove but pins keep, and what pressure may evict.</summary>
internal sealed record GcPlan(IReadOnlyList<GcItem> Remove, IReadOnlyList<GcKept> Kept)
{
    public IReadOnlyList<GcEvictable> Evictable { get; init; } = [];
}

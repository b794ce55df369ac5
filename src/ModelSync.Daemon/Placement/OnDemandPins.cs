using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Placement;

/// <summary>Which on-demand models on disk a pod holds now: any version (or parked copy) pinned (docs/store-format.md,
/// "Pins"). A model not on disk is left out, so the book starts no clock for it.</summary>
internal static class OnDemandPins
{
    public static Dictionary<string, bool> Look(StoreLayout layout, IEnumerable<string> names)
    {
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var look = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in wanted.Where(n => Directory.Exists(layout.ModelDir(n))))
        {
            look[name] = Directory.EnumerateDirectories(layout.ModelDir(name)).Any(VersionRemovalLock.IsPinned);
        }

        if (Directory.Exists(layout.TrashDir))
        {
            foreach (var entry in Directory.EnumerateDirectories(layout.TrashDir))
            {
                if (StoreLayout.ParkedCopyOf(Path.GetFileName(entry)) is { } parked && wanted.Contains(parked.Name) && VersionRemovalLock.IsPinned(entry))
                {
                    look[parked.Name] = true;
                }
            }
        }

        return look;
    }
}

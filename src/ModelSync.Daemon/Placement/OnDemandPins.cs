using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Placement;

/// <summary>Which on-demand models on disk a pod holds now: any version (or parked copy) pinned (docs/store-format.md,
/// "Pins"). A model not on disk is left out, so the book starts no clock for it. Walked as GC walks the store
/// (<see cref="RealDirectories"/>: a planted symlink is never one of its directories).</summary>
internal static class OnDemandPins
{
    public static Dictionary<string, bool> Look(StoreLayout layout, IReadOnlySet<string> names)
    {
        var look = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in names.Where(n => Directory.Exists(layout.ModelDir(n))))
        {
            look[name] = RealDirectories.Below(layout.ModelDir(name)).Any(v => VersionRemovalLock.IsPinned(v.FullName));
        }

        foreach (var entry in RealDirectories.Below(layout.TrashDir))
        {
            if (StoreLayout.ParkedCopyOf(entry.Name) is { } parked && names.Contains(parked.Name) && VersionRemovalLock.IsPinned(entry.FullName))
            {
                look[parked.Name] = true;
            }
        }

        return look;
    }
}

using ModelSync.Daemon.Content;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Gc;

/// <summary>
/// One version directory as <c>status</c>, <c>/status</c>, the page and the metrics show it (docs/operations.md,
/// "Pins in status"). <see cref="Pinned"/> is whether a pod holds it now (its exclusive flock is refused); the
/// daemon cannot count holders (flock has no count it can read from another PID namespace), so there is none.
/// <see cref="LastUsed"/>: now when pinned, else the later of its publication and the last look that found it
/// pinned (kept in this process's memory only).
/// </summary>
internal sealed record VersionView(string Model, string Version, bool Current, bool Pinned, DateTimeOffset? PublishedAt, DateTimeOffset? LastUsed);

/// <summary>Looks at every version directory of the store: one scan and one flock probe per version.</summary>
internal static class VersionsOnDisk
{
    public static IReadOnlyList<VersionView> Look(StoreLayout layout, Func<string, DateTimeOffset?> lastSeenPinned, DateTimeOffset now, MarkerCache? markers = null)
    {
        var versions = new List<VersionView>();
        foreach (var model in StoreScan.Read(layout, markers).Models)
        {
            foreach (var v in model.Versions)
            {
                var dir = layout.VersionDir(model.Name, v.Version);
                var pinned = VersionRemovalLock.IsPinned(dir);
                var seen = lastSeenPinned(Path.GetRelativePath(layout.Root, dir));
                var lastUsed = pinned ? now : Later(v.PublishedAt, seen);
                versions.Add(new VersionView(model.Name, v.Version, model.Current == v.Version, pinned, v.PublishedAt, lastUsed));
            }
        }

        return versions;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}

using ModelSync.Daemon.Content;
using ModelSync.Daemon.Walk;
using ModelSync.Store.Inventory;
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

/// <summary>Looks at every version directory of the store: one walk of <c>models/</c> with a flock probe per version.</summary>
internal static class VersionsOnDisk
{
    public static IReadOnlyList<VersionView> Look(StoreLayout layout, Func<string, DateTimeOffset?> lastSeenPinned, DateTimeOffset now, MarkerCache? markers = null) =>
        From(layout, StoreWalk.Take(layout, countBytes: false, probePins: true), lastSeenPinned, now, markers, everyPublishedAt: true);

    /// <param name="look">A walk that probed pins.</param>
    /// <param name="everyPublishedAt">False for the <c>status</c> verb, which prints a version's last use only when it is
    /// neither current nor pinned: the markers of the others are not read (at 1,000 models, 1,000 opens) and their
    /// <see cref="VersionView.PublishedAt"/> is null.</param>
    public static IReadOnlyList<VersionView> From(StoreLayout layout, StoreLook look, Func<string, DateTimeOffset?> lastSeenPinned, DateTimeOffset now, MarkerCache? markers, bool everyPublishedAt)
    {
        var versions = new List<VersionView>(look.Versions.Count);
        string? model = null, current = null;
        foreach (var v in look.Versions)
        {
            if (v.Model != model)
            {
                (model, current) = (v.Model, CurrentLink.Read(layout, v.Model));
            }

            var dir = layout.VersionDir(v.Model, v.Version);
            var pinned = v.Pinned ?? VersionRemovalLock.IsPinned(dir);
            var isCurrent = current == v.Version;
            var publishedAt = everyPublishedAt || !(isCurrent || pinned)
                ? (markers is null ? MarkerFile.TryRead(dir) : markers.Marker(dir))?.PublishedAt
                : null;
            var seen = lastSeenPinned(Path.GetRelativePath(layout.Root, dir));
            var lastUsed = pinned ? now : Later(publishedAt, seen);
            versions.Add(new VersionView(v.Model, v.Version, isCurrent, pinned, publishedAt, lastUsed));
        }

        return versions;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}

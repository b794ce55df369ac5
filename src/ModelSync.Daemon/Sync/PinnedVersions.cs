using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// What a refused download's reason adds about pins (docs/operations.md, "GC"): the versions other than a
/// model's <c>current</c> that pods hold pinned, with their bytes. Those are what eviction may not take; when
/// they alone stand in the way the model waits for a pin's release (every pass asks the guard again).
/// Read only on a refusal, so it costs nothing on a pass that fits.
/// </summary>
internal static class PinnedVersions
{
    public static string InTheWay(StoreLayout layout)
    {
        var pinned = new List<string>();
        var paths = new List<string>();
        foreach (var modelDir in RealDirectories.Below(layout.ModelsDir))
        {
            var current = CurrentLink.Read(layout, modelDir.Name);
            foreach (var versionDir in RealDirectories.Below(modelDir.FullName))
            {
                if (versionDir.Name != current && VersionRemovalLock.IsPinned(versionDir.FullName))
                {
                    pinned.Add(Path.GetRelativePath(layout.Root, versionDir.FullName));
                    paths.Add(versionDir.FullName);
                }
            }
        }

        if (pinned.Count == 0)
        {
            return "";
        }

        var shown = string.Join(", ", pinned.Take(5)) + (pinned.Count > 5 ? $" and {pinned.Count - 5} more" : "");
        return $"; pinned by running pods, not evicted: {shown} ({ByteText.Format(DiskUsage.FreedBy(paths))} only they hold); retried every pass";
    }
}

using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// A pod reads one version for its life (docs/store-format.md, "Pins"): a manifest that gives a version a pod
/// pins other content under the same name must not swap that content in under the pod. Such a model fails as
/// <see cref="FailureReason.VersionPinned"/> before a byte is fetched, and every pass asks again (no backoff),
/// so the new content lands once the last pin is released. A repair is not a change: a copy condemned by
/// verify has lost its marker, and its good copy is published as it always was.
/// </summary>
internal static class PinnedChange
{
    /// <summary>Called when the wanted version is not published as resolved; null when nothing pins it.</summary>
    public static DownloadException? Check(StoreLayout layout, ResolvedModel model)
    {
        var dir = layout.VersionDir(model.Name, model.Version);
        if (MarkerFile.TryReadFor(dir, model.Name, model.Version) is null || !VersionRemovalLock.IsPinned(dir))
        {
            return null;
        }

        return new DownloadException(
            FailureReason.VersionPinned,
            $"{StoreLayout.VersionRelativePath(model.Name, model.Version)} is pinned by a running pod and the manifest gives version {model.Version} other content; "
            + "it is published once the last pin is released (give the new content a new version to roll it out beside the pinned one now)",
            transient: true);
    }
}

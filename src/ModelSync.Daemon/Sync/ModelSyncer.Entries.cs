using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

internal sealed partial class ModelSyncer
{
    /// <summary>The published version <c>current</c> points to: it stays usable (and is what an unpinned
    /// gate passes on) until the wanted one is published. That includes this very version with other
    /// content, since its marker still vouches for what it holds; verify removes the marker of a damaged
    /// copy, so that one is never offered.</summary>
    private PreviousVersion? FindPrevious(ModelSpec model)
    {
        var version = CurrentLink.Read(layout, model.Name);
        if (version is null)
        {
            return null;
        }

        var marker = MarkerFile.TryRead(layout.VersionDir(model.Name, version));
        return marker is null ? null : new PreviousVersion(version, StoreLayout.VersionRelativePath(model.Name, version), marker.Files);
    }

    private static ModelEntry ReadyEntry(ModelSpec model, ModelMarker marker, DateTimeOffset? verifiedAt) => new()
    {
        Name = model.Name,
        Version = model.Version,
        Source = model.Hub?.Key,
        State = ModelState.Ready,
        Path = StoreLayout.VersionRelativePath(model.Name, model.Version),
        Bytes = marker.Bytes,
        ReadyAt = marker.PublishedAt,
        VerifiedAt = verifiedAt,
        Files = marker.Files,
    };

    private sealed class AttemptCounter
    {
        private int _count = 1;

        public int Next() => Interlocked.Increment(ref _count);
    }

    /// <summary>Sums the bytes of every file of a model for the inventory's progress.</summary>
    private sealed class ModelProgressTracker(InventoryState inventory, ModelSpec model)
    {
        private long _done;

        public long Done => Interlocked.Read(ref _done);

        public void Add(long bytes)
        {
            var done = Interlocked.Add(ref _done, bytes);
            inventory.ReportProgress(model.Name, done, model.TotalBytes);
        }
    }
}

using ModelSync.Daemon.Inventory;
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
    private PreviousVersion? FindPrevious(ModelSpec model) =>
        Current(model.Name) is { } current
            ? new PreviousVersion(current.Version, StoreLayout.VersionRelativePath(model.Name, current.Version), current.Marker.Files)
            : null;

    /// <summary>The version <c>current</c> points to, with its marker; null when there is none.</summary>
    private (string Version, ModelMarker Marker)? Current(string name)
    {
        var version = CurrentLink.Read(layout, name);
        var marker = version is null ? null : MarkerFile.TryRead(layout.VersionDir(name, version));
        return marker is null ? null : (version!, marker);
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

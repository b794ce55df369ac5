using ModelSync.Daemon.Content;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>What a sync reads of the published store before it decides anything.</summary>
internal static class StoreReads
{
    /// <summary>The version <c>current</c> points to, with its marker; null when there is none.</summary>
    public static ModelMarker? Current(PassStore store, string name)
    {
        var version = CurrentLink.Read(store.Layout, name);
        return version is null ? null : store.Markers.MarkerFor(store.Layout.VersionDir(name, version), name, version);
    }

    /// <summary>The published version <c>current</c> points to: it stays usable (and is what an unpinned gate
    /// passes on) until the wanted one is published. That includes this very version with other content, since
    /// its marker still vouches for what it holds; a condemned copy has no marker, so it is never offered.</summary>
    public static PreviousVersion? Previous(PassStore store, string name) =>
        Current(store, name) is { } marker
            ? new PreviousVersion(marker.Version, StoreLayout.VersionRelativePath(name, marker.Version), marker.Files) { Signature = marker.Signature }
            : null;

    /// <summary>The marker of <c>models/&lt;name&gt;/&lt;version&gt;</c> when it lists exactly the resolved files
    /// (paths, sizes and every digest the source gives); only a real directory of the store counts.
    /// Through the pass's <see cref="PassStore"/>: an unchanged marker is not read again.</summary>
    public static ModelMarker? Published(PassStore store, ResolvedModel model)
    {
        var marker = store.Marker(model.Name, model.Version);
        if (marker is not null && model.HasArchives)
        {
            // An unpacked layer's files are known only from the marker: the version (a manifest digest) and the
            // source (the reference and its filters) pin them, and every file fetched as it is must be listed.
            var published = marker.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
            return marker.Source == model.Source && model.Files.Where(f => f.Unpack is null)
                .All(f => published.TryGetValue(f.Spec.Path, out var m) && m.Size == f.Spec.Size && m.Sha256 == f.Spec.Sha256)
                ? marker
                : null;
        }

        return marker is not null && marker.Lists([.. model.Files.Select(f => f.Spec.ToEntry(f.Spec.Sha256, f.Spec.Xxh128))])
            ? marker
            : null;
    }
}

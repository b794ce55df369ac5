using System.Collections.Concurrent;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Content;

/// <summary>
/// What one reconcile pass knows of the store, built once and kept current by the pass itself: the markers
/// (through the daemon's <see cref="MarkerCache"/>: an unchanged one is not read again), the content index (built at
/// the first model that needs it, then updated as versions are published and condemned, instead of every download
/// walking every model's marker again) and which models' published versions or <c>current</c> changed, so whatever
/// is derived from the store (the hub view) is refreshed for those models only.
/// </summary>
internal sealed class PassStore(StoreLayout layout, MarkerCache markers)
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, byte> _changed = new(StringComparer.Ordinal);
    private ContentIndex? _index;
    private int _indexBuilds;

    public StoreLayout Layout => layout;

    public MarkerCache Markers => markers;

    /// <summary>How many times this pass walked the store to build its content index: at most once.</summary>
    public int IndexBuilds => Volatile.Read(ref _indexBuilds);

    /// <summary>The marker of <c>models/&lt;name&gt;/&lt;version&gt;</c> naming that version, when that is a real
    /// directory of the store (no link on the way).</summary>
    public ModelMarker? Marker(string name, string version) =>
        SafePath.Resolve(layout.Root, StoreLayout.VersionRelativePath(name, version), out _) is { } dir ? markers.MarkerFor(dir, name, version) : null;

    /// <summary>The content index of this pass: the store walked once, at the first call.</summary>
    public ContentIndex Content
    {
        get
        {
            lock (_lock)
            {
                if (_index is null)
                {
                    _indexBuilds++;
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    _index = ContentIndex.Read(layout, dir =>
                    {
                        seen.Add(dir);
                        return (markers.Marker(dir), markers.Salvage(dir));
                    });
                    markers.RetainOnly(seen);
                }

                return _index;
            }
        }
    }

    /// <summary>A version was just published by this pass: the index holds its files, vouched.</summary>
    public void Published(ModelMarker marker)
    {
        Changed(marker.Name);
        var dir = layout.VersionDir(marker.Name, marker.Version);
        markers.Wrote(dir, marker);
        if (Built() is { } index)
        {
            index.Put(marker.Name, marker.Version, dir, marker, null);
        }
    }

    /// <summary>Versions (<c>name@version</c>) were condemned (or otherwise changed on disk): read them again.</summary>
    public void Reread(IEnumerable<string> versions)
    {
        foreach (var nameAtVersion in versions)
        {
            var at = nameAtVersion.LastIndexOf('@');
            var (name, version) = (nameAtVersion[..at], nameAtVersion[(at + 1)..]);
            Changed(name);
            if (Built() is not { } index)
            {
                continue;
            }

            if (SafePath.Resolve(layout.Root, StoreLayout.VersionRelativePath(name, version), out _) is { } dir)
            {
                index.Put(name, version, dir, markers.Marker(dir), markers.Salvage(dir));
            }
            else
            {
                index.Remove(name, version);
            }
        }
    }

    /// <summary>The model's <c>current</c> or published versions changed: what is derived from the store follows.</summary>
    public void Changed(string name) => _changed.TryAdd(name, 0);

    /// <summary>The models changed since the last call, and forgets them.</summary>
    public IReadOnlyList<string> TakeChanged()
    {
        var taken = new List<string>();
        foreach (var name in _changed.Keys)
        {
            if (_changed.TryRemove(name, out _))
            {
                taken.Add(name);
            }
        }

        return taken;
    }

    private ContentIndex? Built()
    {
        lock (_lock)
        {
            return _index;
        }
    }
}

using System.Collections.Concurrent;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Content;

/// <summary>
/// The markers (and salvage lists) of the store's version directories as last read, each kept with the stat of its
/// file: a lookup costs one lstat, and the file is read again only when that stat changed (a marker is only ever
/// replaced whole: written aside and renamed, or removed by a condemnation or a GC). So a pass over a catalog of a
/// thousand unchanged models reads no marker, yet a marker changed by anyone (a person, another process, a
/// restore) is seen at the next lookup. One per daemon (it outlives passes); thread-safe.
/// </summary>
internal sealed class MarkerCache
{
    private readonly ConcurrentDictionary<string, Cached> _files = new(StringComparer.Ordinal);
    // Misses are read one at a time: two models asking for one changed marker read it once (misses are rare).
    private readonly Lock _reading = new();
    private long _reads;

    /// <summary>Marker and salvage files read (parsed) so far: what a pass over unchanged models must not add to.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The marker of <paramref name="versionDir"/>, or null (missing, unreadable).</summary>
    public ModelMarker? Marker(string versionDir) => Lookup(Path.Combine(versionDir, StoreLayout.MarkerFileName));

    /// <summary>As <see cref="MarkerFile.TryReadFor"/>: only a marker naming that very version vouches for it.</summary>
    public ModelMarker? MarkerFor(string versionDir, string name, string version) =>
        Marker(versionDir) is { } marker && marker.Name == name && marker.Version == version ? marker : null;

    /// <summary>What a condemnation left of <paramref name="versionDir"/>'s marker, or null.</summary>
    public ModelMarker? Salvage(string versionDir) => Lookup(Path.Combine(versionDir, StoreLayout.SalvageFileName));

    /// <summary>The pass itself just wrote <paramref name="marker"/> into <paramref name="versionDir"/>: cached as
    /// read, so the next pass does not read back what this one published.</summary>
    public void Wrote(string versionDir, ModelMarker marker)
    {
        var path = Path.Combine(versionDir, StoreLayout.MarkerFileName);
        if (Stamp.Of(path) is { } stamp)
        {
            _files[path] = new Cached(stamp, marker);
        }
    }

    /// <summary>Drops what is cached below <paramref name="dirs"/>' complement: versions gone from the store
    /// (a full walk of it knows which remain), so the cache stays the size of the store.</summary>
    public void RetainOnly(IReadOnlySet<string> versionDirs)
    {
        foreach (var path in _files.Keys)
        {
            if (!versionDirs.Contains(Path.GetDirectoryName(path)!))
            {
                _files.TryRemove(path, out _);
            }
        }
    }

    private ModelMarker? Lookup(string path)
    {
        var stamp = Stamp.Of(path);
        if (stamp is null)
        {
            _files.TryRemove(path, out _);
            return null;
        }

        if (_files.TryGetValue(path, out var cached) && cached.Stamp == stamp)
        {
            return cached.Marker;
        }

        lock (_reading)
        {
            if (_files.TryGetValue(path, out cached) && cached.Stamp == stamp)
            {
                return cached.Marker;
            }

            Interlocked.Increment(ref _reads);
            var marker = Path.GetFileName(path) == StoreLayout.MarkerFileName
                ? MarkerFile.TryRead(Path.GetDirectoryName(path)!)
                : MarkerFile.TryReadSalvage(Path.GetDirectoryName(path)!);
            // Stamped before the read: a replace during the read shows as a changed stamp at the next lookup.
            _files[path] = new Cached(stamp.Value, marker);
            return marker;
        }
    }

    private sealed record Cached(Stamp Stamp, ModelMarker? Marker);

    /// <summary>What tells one marker file from its replacement: the inode (a rename brings a new one), the size and
    /// the modification time (an inode number can be reused once the old file is gone).</summary>
    private readonly record struct Stamp(ulong Device, ulong Inode, long Size, long WriteTicks)
    {
        public static Stamp? Of(string path)
        {
            if (FileIdentity.Of(path) is not { IsRegularFile: true } id)
            {
                return null;
            }

            return new Stamp(id.Device, id.Inode, id.Size, File.GetLastWriteTimeUtc(path).Ticks);
        }
    }
}

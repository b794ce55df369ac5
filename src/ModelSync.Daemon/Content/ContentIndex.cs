using System.Runtime.InteropServices;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Content;

/// <summary>A file held in a version directory of the store, as its marker (or a condemned version's
/// salvage list) describes it. <see cref="Vouched"/>: the version is published, its marker vouches;
/// <see cref="PublishedAt"/> tells that publication from a later one of the same version.</summary>
internal sealed record StoredFile(string Model, string Version, string FullPath, FileEntry Entry, bool Vouched, DateTimeOffset PublishedAt);

/// <summary>
/// What content this node already holds, read from the markers on disk (so it holds across restarts): every
/// file of every published version, and the files of condemned versions not found damaged. Only a hint:
/// whatever is reused from here is hashed again first (<see cref="LocalCopy"/>). Looked up by digest, not by
/// size (a catalog of small models has thousands of files of one size); one pass builds it once and keeps it
/// current as it publishes and condemns (<see cref="Put"/>, <see cref="PassStore"/>).
/// </summary>
internal sealed class ContentIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Model, string Version), StoredFile[]> _byVersion = [];
    // "kind:digest" (lower case, size included) → the stored files carrying it.
    private readonly Dictionary<string, List<StoredFile>> _byDigest = new(StringComparer.Ordinal);

    /// <summary>Every stored file, version by version (a copy: the index may change meanwhile).</summary>
    public IReadOnlyList<StoredFile> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _byVersion.Values.SelectMany(f => f)];
            }
        }
    }

    public static ContentIndex Read(StoreLayout layout) => Read(layout, dir => (MarkerFile.TryRead(dir), MarkerFile.TryReadSalvage(dir)));

    /// <param name="markers">The marker and the salvage list of a version directory (either may be null).</param>
    public static ContentIndex Read(StoreLayout layout, Func<string, (ModelMarker? Marker, ModelMarker? Salvage)> markers)
    {
        var index = new ContentIndex();
        foreach (var (name, version, dir) in VersionDirs(layout))
        {
            var (marker, salvage) = markers(dir);
            index.Put(name, version, dir, marker, salvage);
        }

        return index;
    }

    /// <summary>Sets what <c>models/&lt;name&gt;/&lt;version&gt;</c> holds: its marker's files (vouched), else its
    /// salvage list's, else nothing. A marker or list naming another version is no content of this one.</summary>
    public void Put(string name, string version, string dir, ModelMarker? marker, ModelMarker? salvage)
    {
        marker = marker is not null && marker.Name == name && marker.Version == version ? marker : null;
        var listed = marker ?? salvage;
        var files = new List<StoredFile>();
        if (listed is not null && listed.Name == name && listed.Version == version)
        {
            foreach (var file in listed.Files)
            {
                // The marker is untrusted input: a path leaving the version (or through a link) is no content of it.
                if (SafePath.Resolve(dir, file.Path, out _) is { } path)
                {
                    files.Add(new StoredFile(name, version, path, file, marker is not null, listed.PublishedAt));
                }
            }
        }

        lock (_lock)
        {
            RemoveLocked(name, version);
            if (files.Count == 0)
            {
                return;
            }

            _byVersion[(name, version)] = [.. files];
            foreach (var file in files)
            {
                foreach (var key in Keys(file.Entry.Size, file.Entry.Sha256, file.Entry.Xxh128, file.Entry.GitBlobSha1))
                {
                    (CollectionsMarshal.GetValueRefOrAddDefault(_byDigest, key, out _) ??= []).Add(file);
                }
            }
        }
    }

    /// <summary>The version holds nothing any more (removed).</summary>
    public void Remove(string name, string version)
    {
        lock (_lock)
        {
            RemoveLocked(name, version);
        }
    }

    /// <summary>The files indexed for one version.</summary>
    public IReadOnlyList<StoredFile> FilesOf(string name, string version)
    {
        lock (_lock)
        {
            return _byVersion.TryGetValue((name, version), out var files) ? files : [];
        }
    }

    /// <summary>Stored copies of <paramref name="wanted"/>'s content, published versions first.</summary>
    public IReadOnlyList<StoredFile> Find(FileSpec wanted) =>
        [.. Candidates(wanted.Size, wanted.Sha256, wanted.Xxh128, wanted.GitBlobSha1).Where(f => ContentMatch.Same(wanted, f.Entry)).OrderByDescending(f => f.Vouched)];

    /// <summary>Other published copies of <paramref name="file"/>'s content: where a damage found in it may also be.</summary>
    public IEnumerable<StoredFile> SharersOf(StoredFile file) =>
        Candidates(file.Entry.Size, file.Entry.Sha256, file.Entry.Xxh128, file.Entry.GitBlobSha1)
            .Where(f => f.Vouched && f.FullPath != file.FullPath && ContentMatch.Same(file.Entry, f.Entry));

    private List<StoredFile> Candidates(long size, string? sha256, string? xxh128, string? gitBlob)
    {
        lock (_lock)
        {
            var found = new List<StoredFile>();
            foreach (var key in Keys(size, sha256, xxh128, gitBlob))
            {
                if (_byDigest.TryGetValue(key, out var files))
                {
                    found.AddRange(files.Where(f => !found.Contains(f)));
                }
            }

            return found;
        }
    }

    private void RemoveLocked(string name, string version)
    {
        if (!_byVersion.Remove((name, version), out var old))
        {
            return;
        }

        foreach (var file in old)
        {
            foreach (var key in Keys(file.Entry.Size, file.Entry.Sha256, file.Entry.Xxh128, file.Entry.GitBlobSha1))
            {
                if (_byDigest.TryGetValue(key, out var files) && files.Remove(file) && files.Count == 0)
                {
                    _byDigest.Remove(key);
                }
            }
        }
    }

    // Digests compare case-insensitively (ContentMatch): keys are lower case.
    private static IEnumerable<string> Keys(long size, string? sha256, string? xxh128, string? gitBlob)
    {
        if (sha256 is not null)
        {
            yield return $"s:{size}:{sha256.ToLowerInvariant()}";
        }

        if (xxh128 is not null)
        {
            yield return $"x:{size}:{xxh128.ToLowerInvariant()}";
        }

        if (gitBlob is not null)
        {
            yield return $"g:{size}:{gitBlob.ToLowerInvariant()}";
        }
    }

    /// <summary>Every <c>models/&lt;name&gt;/&lt;version&gt;</c> that is a real directory (a planted link is no version).</summary>
    public static IEnumerable<(string Name, string Version, string Dir)> VersionDirs(StoreLayout layout)
    {
        foreach (var model in RealDirectories.Below(layout.ModelsDir))
        {
            foreach (var version in RealDirectories.Below(model.FullName))
            {
                yield return (model.Name, version.Name, version.FullName);
            }
        }
    }
}

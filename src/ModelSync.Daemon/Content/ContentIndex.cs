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
/// whatever is reused from here is hashed again first (<see cref="LocalCopy"/>).
/// </summary>
internal sealed class ContentIndex
{
    private readonly ILookup<long, StoredFile> _bySize;

    private ContentIndex(IReadOnlyList<StoredFile> files)
    {
        All = files;
        _bySize = files.ToLookup(f => f.Entry.Size);
    }

    public IReadOnlyList<StoredFile> All { get; }

    public static ContentIndex Read(StoreLayout layout)
    {
        var files = new List<StoredFile>();
        foreach (var (name, version, dir) in VersionDirs(layout))
        {
            var marker = MarkerFile.TryReadFor(dir, name, version);
            var vouched = marker is not null;
            var listed = marker ?? MarkerFile.TryReadSalvage(dir);
            if (listed is null || listed.Name != name || listed.Version != version)
            {
                continue;
            }

            foreach (var file in listed.Files)
            {
                // The marker is untrusted input: a path leaving the version (or through a link) is no content of it.
                if (SafePath.Resolve(dir, file.Path, out _) is { } path)
                {
                    files.Add(new StoredFile(name, version, path, file, vouched, listed.PublishedAt));
                }
            }
        }

        return new ContentIndex(files);
    }

    /// <summary>Stored copies of <paramref name="wanted"/>'s content, published versions first.</summary>
    public IReadOnlyList<StoredFile> Find(FileSpec wanted) =>
        [.. _bySize[wanted.Size].Where(f => ContentMatch.Same(wanted, f.Entry)).OrderByDescending(f => f.Vouched)];

    /// <summary>Other published copies of <paramref name="file"/>'s content: where a damage found in it may also be.</summary>
    public IEnumerable<StoredFile> SharersOf(StoredFile file) =>
        _bySize[file.Entry.Size].Where(f => f.Vouched && f.FullPath != file.FullPath && ContentMatch.Same(file.Entry, f.Entry));

    /// <summary>Every <c>models/&lt;name&gt;/&lt;version&gt;</c> that is a real directory (a planted link is no version).</summary>
    private static IEnumerable<(string Name, string Version, string Dir)> VersionDirs(StoreLayout layout)
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

using ModelSync.Daemon.Content;
using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Lifecycle;

/// <summary>One damaged file of a version: its path in the version and what is wrong with it.</summary>
internal sealed record Damage(string Path, string Message);

/// <summary>
/// What damaged bytes do to the store, so the next reconcile repairs them with no special case: the version's
/// marker becomes a salvage list of its other files (<see cref="MarkerFile.Condemn"/>): no longer published,
/// so it is fetched again, and the repair reuses the intact files instead of the network. Its inventory entry,
/// when Ready with that version, becomes Failed/Corrupted; an entry offering it as <c>previous</c> stops.
/// Every other published version holding the same content is checked too (the same inode is the same
/// damage; another copy is re-hashed): no version stays vouched for with bad bytes.
/// </summary>
internal static class Condemner
{
    /// <summary>Condemns <paramref name="name"/>@<paramref name="version"/> when its marker is still the one
    /// published at <paramref name="publishedAt"/>, when given (a check racing a re-publish must not condemn the new copy).
    /// Returns every version condemned, that one first; empty when it was not.</summary>
    public static IReadOnlyList<string> Condemn(StoreLayout layout, ModelLifecycle lifecycle, string name, string version, DateTimeOffset? publishedAt, IReadOnlyList<Damage> damage, DateTimeOffset now, CancellationToken ct)
    {
        var index = ContentIndex.Read(layout);
        if (!CondemnOne(layout, lifecycle, name, version, publishedAt, damage, now))
        {
            return [];
        }

        var condemned = new List<string> { $"{name}@{version}" };
        var damagedPaths = damage.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        var sharers = index.All
            .Where(f => f.Model == name && f.Version == version && damagedPaths.Contains(f.Entry.Path))
            .SelectMany(bad => index.SharersOf(bad).Where(s => s.Model != name || s.Version != version).Where(s => IsDamaged(bad, s, ct))
                .Select(s => (Sharer: s, Bad: bad)))
            .GroupBy(x => (x.Sharer.Model, x.Sharer.Version, x.Sharer.PublishedAt));
        foreach (var group in sharers)
        {
            var found = group.Select(x => new Damage(x.Sharer.Entry.Path, $"shares damaged content with {name}@{version}/{x.Bad.Entry.Path}")).ToList();
            if (CondemnOne(layout, lifecycle, group.Key.Model, group.Key.Version, group.Key.PublishedAt, found, now))
            {
                condemned.Add($"{group.Key.Model}@{group.Key.Version}");
            }
        }

        return condemned;
    }

    private static bool IsDamaged(StoredFile bad, StoredFile sharer, CancellationToken ct) =>
        FileIdentity.Same(bad.FullPath, sharer.FullPath)
        || FileCheck.Check(Path.GetDirectoryName(sharer.FullPath)!, sharer.Entry with { Path = Path.GetFileName(sharer.FullPath) }, VerifyMode.Full, (p, k) => FileHasher.Hash(p, k, ct)) is { Kind: not ProblemKind.Unreadable };

    private static bool CondemnOne(StoreLayout layout, ModelLifecycle lifecycle, string name, string version, DateTimeOffset? publishedAt, IReadOnlyList<Damage> damage, DateTimeOffset now)
    {
        // Two finders of damage in one version must not overwrite each other's salvage list, and a condemnation
        // must not land in the fresh copy a publish just swapped in.
        lock (lifecycle.VersionWrites)
        {
            // Resolved without following symlinks: a planted models/<name> link must not make this touch a file outside the store.
            var dir = SafePath.Resolve(layout.Root, StoreLayout.VersionRelativePath(name, version), out _);
            var marker = dir is null ? null : MarkerFile.TryReadFor(dir, name, version);
            var vouching = marker is not null;
            if (vouching && publishedAt is { } at && marker!.PublishedAt != at)
            {
                return false;
            }

            // Already condemned (another finder was first): the salvage list loses the newly found files too.
            var listed = vouching ? marker : dir is null ? null : MarkerFile.TryReadSalvage(dir);
            if (listed is not null && listed.Name == name && listed.Version == version && (publishedAt is null || listed.PublishedAt == publishedAt))
            {
                var damaged = damage.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
                MarkerFile.Condemn(dir!, listed with { Files = [.. listed.Files.Where(f => !damaged.Contains(f.Path))] });
            }

            var message = damage.Count == 1 ? $"{name}@{version}/{damage[0].Path}: {damage[0].Message}" : $"{damage.Count} files damaged, first: {name}@{version}/{damage[0].Path}: {damage[0].Message}";
            lifecycle.Corrupted(name, version, publishedAt, message, damage[0].Path, now);
            return true;
        }
    }
}

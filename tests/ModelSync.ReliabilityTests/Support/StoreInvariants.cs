using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.ReliabilityTests.Support;

/// <summary>
/// What must hold on disk at every instant, whatever killed the writer: the checks of the crash loop,
/// written against the store format (docs/store-format.md), not against the daemon's code.
/// Each returns the violations found; an empty list means the store is consistent.
/// </summary>
internal static class StoreInvariants
{
    /// <summary>Every version directory under <c>models/</c> is a whole published version: a marker naming it,
    /// exactly the marker's files (no partial, no stray), each with the marker's size and xxh128, read-only.
    /// <paramref name="hashed"/> remembers versions already hashed (by marker and publish time): a published
    /// version is immutable, so a loop re-checks its listing, sizes and modes every time but hashes it once.</summary>
    public static List<string> PublishedVersionsAreWhole(StoreLayout layout, HashSet<string>? hashed = null)
    {
        var problems = new List<string>();
        if (!Directory.Exists(layout.ModelsDir))
        {
            return problems;
        }

        foreach (var modelDir in Directory.EnumerateDirectories(layout.ModelsDir))
        {
            var name = Path.GetFileName(modelDir);
            foreach (var versionDir in Directory.EnumerateDirectories(modelDir))
            {
                var version = Path.GetFileName(versionDir);
                var marker = MarkerFile.TryRead(versionDir);
                if (marker is null || marker.Name != name || marker.Version != version)
                {
                    problems.Add($"models/{name}/{version}: visible without a valid marker");
                    continue;
                }

                var onDisk = Directory.EnumerateFiles(versionDir, "*", SearchOption.AllDirectories)
                    .Select(f => Path.GetRelativePath(versionDir, f))
                    .Where(f => f != StoreLayout.MarkerFileName)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                var listed = marker.Files.Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
                if (!onDisk.SequenceEqual(listed))
                {
                    problems.Add($"models/{name}/{version}: files [{string.Join(", ", onDisk)}] but marker lists [{string.Join(", ", listed)}]");
                    continue;
                }

                var key = $"{versionDir}|{marker.PublishedAt:O}";
                var hash = hashed?.Contains(key) != true;
                foreach (var file in marker.Files)
                {
                    var path = Path.Combine(versionDir, file.Path);
                    var info = new FileInfo(path);
                    if (info.Length != file.Size)
                    {
                        problems.Add($"models/{name}/{version}/{file.Path}: {info.Length} bytes, marker says {file.Size}");
                    }
                    else if (hash && Digest.Xxh128File(path) != file.Xxh128)
                    {
                        problems.Add($"models/{name}/{version}/{file.Path}: xxh128 differs from the marker");
                    }
                    else if ((File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                    {
                        problems.Add($"models/{name}/{version}/{file.Path}: published but writable");
                    }
                }

                hashed?.Add(key);
            }
        }

        return problems;
    }

    /// <summary>Every <c>current/&lt;name&gt;</c> link points at a published version (temp links of an
    /// interrupted switch may be left for GC; they are not links readers use).</summary>
    public static List<string> CurrentLinksPointAtPublishedVersions(StoreLayout layout)
    {
        var problems = new List<string>();
        if (!Directory.Exists(layout.CurrentDir))
        {
            return problems;
        }

        foreach (var entry in new DirectoryInfo(layout.CurrentDir).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith('.') && entry.Name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            var version = CurrentLink.Read(layout, entry.Name);
            if (version is null)
            {
                problems.Add($"current/{entry.Name}: not a link into models/{entry.Name}/ (target '{entry.LinkTarget}')");
            }
            else if (MarkerFile.TryRead(layout.VersionDir(entry.Name, version)) is not { } marker || marker.Version != version)
            {
                problems.Add($"current/{entry.Name} -> {version}: no published version there");
            }
        }

        return problems;
    }

    /// <summary>The inventory parses, and every version it calls usable (a Ready entry's, or a previous one)
    /// is vouched for by a marker listing the very same files and digests.</summary>
    public static List<string> InventoryAgreesWithMarkers(StoreLayout layout, out StoreInventory? inventory)
    {
        var problems = new List<string>();
        inventory = null;
        if (!File.Exists(layout.InventoryPath))
        {
            return problems;
        }

        var read = InventoryFile.Read(layout);
        inventory = read.Inventory;
        if (inventory is null)
        {
            problems.Add($"inventory unreadable: {read.Error}");
            return problems;
        }

        foreach (var entry in inventory.Models)
        {
            if (entry.State == ModelState.Ready)
            {
                Agree(layout, entry.Name, entry.Version, entry.Path, entry.Files, "Ready", problems);
            }

            if (entry.Previous is { } previous)
            {
                Agree(layout, entry.Name, previous.Version, previous.Path, previous.Files, "previous", problems);
            }
        }

        return problems;
    }

    private static void Agree(StoreLayout layout, string name, string version, string? path, IReadOnlyList<FileEntry> files, string what, List<string> problems)
    {
        if (path != StoreLayout.VersionRelativePath(name, version))
        {
            problems.Add($"{name}@{version} ({what}): path '{path}'");
            return;
        }

        var marker = MarkerFile.TryRead(layout.VersionDir(name, version));
        if (marker is null)
        {
            problems.Add($"{name}@{version} ({what}): no marker on disk");
        }
        else if (!marker.Lists([.. files]) || marker.Files.Any(m => !files.Any(f => f.Path == m.Path && f.Xxh128 == m.Xxh128)))
        {
            problems.Add($"{name}@{version} ({what}): inventory files differ from the marker");
        }
    }
}

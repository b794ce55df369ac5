using ModelSync.Daemon.Content;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Gc;

/// <summary>A published (or half-removed) version directory under <c>models/&lt;name&gt;/</c>.
/// <see cref="PublishedAt"/> is null when it has no readable marker: not a usable version.</summary>
internal sealed record VersionOnDisk(string Version, DateTimeOffset? PublishedAt);

/// <summary><c>models/&lt;name&gt;/</c> with the version <c>current/&lt;name&gt;</c> points to.</summary>
internal sealed record ModelOnDisk(string Name, string? Current, IReadOnlyList<VersionOnDisk> Versions);

/// <summary>An entry of <c>.modelsync/staging/&lt;model&gt;/</c>: <c>&lt;version&gt;</c> or <c>&lt;version&gt;.resume</c>;
/// <see cref="Entry"/> is null for a stray file directly under the staging root.</summary>
internal sealed record StagingOnDisk(string Model, string? Entry);

/// <summary>What GC looks at, read from disk in one pass; the planner decides on this alone.</summary>
internal sealed record StoreScan(
    IReadOnlyList<ModelOnDisk> Models,
    IReadOnlyList<string> CurrentLinks,
    IReadOnlyList<string> CurrentTempFiles,
    IReadOnlyList<StagingOnDisk> Staging,
    IReadOnlyList<string> TrashEntries)
{
    /// <param name="markers">The daemon's marker cache: an unchanged marker costs an lstat, not a read (GC runs
    /// after every pass, and /status looks every 2 s, over every version of the store).</param>
    public static StoreScan Read(StoreLayout layout, MarkerCache? markers = null)
    {
        var models = new List<ModelOnDisk>();
        foreach (var dir in RealDirectories(layout.ModelsDir))
        {
            var name = dir.Name;
            var versions = RealDirectories(dir.FullName)
                .Select(v => new VersionOnDisk(v.Name, (markers is null ? MarkerFile.TryRead(v.FullName) : markers.Marker(v.FullName))?.PublishedAt))
                .ToList();
            models.Add(new ModelOnDisk(name, CurrentLink.Read(layout, name), versions));
        }

        var links = new List<string>();
        var temps = new List<string>();
        foreach (var entry in Entries(layout.CurrentDir))
        {
            if (entry.Name.StartsWith('.') && entry.Name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                temps.Add(entry.Name);
            }
            else if (entry.LinkTarget is not null)
            {
                links.Add(entry.Name);
            }
        }

        var staging = new List<StagingOnDisk>();
        foreach (var entry in Entries(layout.StagingRoot))
        {
            if (entry is DirectoryInfo { LinkTarget: null } modelDir)
            {
                staging.AddRange(Entries(modelDir.FullName).Select(e => new StagingOnDisk(modelDir.Name, e.Name)));
                if (!modelDir.EnumerateFileSystemInfos().Any())
                {
                    staging.Add(new StagingOnDisk(modelDir.Name, null));
                }
            }
            else
            {
                staging.Add(new StagingOnDisk(entry.Name, null));
            }
        }

        var trash = Entries(layout.TrashDir).Select(e => e.Name).ToList();
        return new StoreScan(models, links, temps, staging, trash);
    }

    private static IEnumerable<DirectoryInfo> RealDirectories(string path) =>
        Entries(path).OfType<DirectoryInfo>().Where(d => d.LinkTarget is null);

    private static IEnumerable<FileSystemInfo> Entries(string path) =>
        Directory.Exists(path)
            ? new DirectoryInfo(path).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList()
            : [];
}

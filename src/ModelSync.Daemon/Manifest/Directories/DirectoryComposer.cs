using System.Security.Cryptography;
using System.Text;

namespace ModelSync.Daemon.Manifest.Directories;

/// <summary>A directory's files as one manifest, or every problem; <see cref="Parts"/> tell a file's own.</summary>
internal sealed record Composition(ModelManifest? Manifest, IReadOnlyList<ManifestProblem> Problems, IReadOnlyList<ManifestPart> Parts);

/// <summary>
/// Makes one manifest of a directory's files (docs/manifest.md, "A directory of files"): <c>store</c> and
/// <c>sync</c> from the one file that has each, the models of every file in file order. Each file is read
/// as strictly as a single manifest, and across files: <c>store</c> or <c>sync</c> in two files, or one
/// model name in two files, is a problem of the file whose content is new (or, when both or neither are,
/// of the later one), so the reloader can keep that file's last good content and apply the rest.
/// </summary>
internal static class DirectoryComposer
{
    /// <param name="files">Path, bytes and whether the bytes differ from the file's last good content.</param>
    /// <param name="requiredRoot">The root a running daemon works on: another <c>store.root</c> is a problem.</param>
    public static Composition Compose(
        string directory, IReadOnlyList<(string Path, byte[] Bytes, bool IsNew)> files, IReadOnlyList<ISourceSyntax> kinds, string? requiredRoot = null)
    {
        var parts = files.Select(f => ManifestPart.Parse(f.Path, f.Bytes, f.IsNew)).ToList();
        var general = new ProblemList(directory);
        if (parts.Count == 0)
        {
            general.Add(0, 0, "", "no *.yaml or *.yml file in the manifest directory");
        }

        var storeOwner = Owner(parts, "store");
        var syncOwner = Owner(parts, "sync");
        // Read once: a second MappingReader over the same section would report its duplicate keys twice.
        var storeSection = storeOwner?.Root!.Mapping("store");
        var store = StoreSectionReader.Read(storeSection);
        var sync = SyncSectionReader.Read(syncOwner?.Root!.Mapping("sync"), kinds);
        var reading = new ModelReading(sync, kinds);
        var models = new List<ModelSpec>();
        foreach (var part in parts.Where(p => p.Root is not null))
        {
            // Within a file, ModelSectionReader reports a repeated name; across files, UniqueNames does.
            models.AddRange(ModelSectionReader.Read(part.Root!.Get("models"), reading, part.Problems));
            part.Root.ReportUnknownKeys();
        }

        UniqueNames(parts);
        var manifest = new ModelManifest
        {
            SourcePath = directory,
            ContentSha256 = Fingerprint(files),
            Store = store,
            Sync = sync,
            Models = models,
        };
        if (storeOwner is not null)
        {
            ManifestLoader.CheckCapacity(storeSection?.Get("capacity"), manifest, storeOwner.Problems);
        }

        if (requiredRoot is not null && store.Root != requiredRoot)
        {
            var message = $"changed from {requiredRoot} to {store.Root}; the store cannot move under a running daemon: restart it to use the new root";
            if (storeSection?.Get("root") is { } at)
            {
                storeOwner!.Problems.Add(at, "store.root", message);
            }
            else
            {
                general.Add(0, 0, "store.root", message);
            }
        }

        IReadOnlyList<ManifestProblem> problems = [.. general.Sorted(), .. parts.SelectMany(p => p.Problems.Sorted())];
        return new Composition(problems.Count == 0 ? manifest : null, problems, parts);
    }

    /// <summary>sha256 over each file's name and content hash: what is in force, as one value.</summary>
    public static string Fingerprint(IEnumerable<(string Path, byte[] Bytes, bool IsNew)> files)
    {
        var text = new StringBuilder();
        foreach (var (path, bytes, _) in files)
        {
            text.Append(path).Append('\0').Append(ManifestLoader.Sha256Hex(bytes)).Append('\n');
        }

        return ManifestLoader.Sha256Hex(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The file whose <paramref name="key"/> section counts; each other file that has one gets a problem.</summary>
    private static ManifestPart? Owner(List<ManifestPart> parts, string key)
    {
        var having = parts.Where(p => p.Key(key) is not null).ToList();
        var owner = Keeper(having);
        foreach (var other in having.Where(p => p != owner))
        {
            other.Problems.Add(other.Key(key)!, key, $"also in {owner!.Path} (line {owner.Key(key)!.Line}); {key} may be written in one file of the directory only");
        }

        return owner;
    }

    private static void UniqueNames(List<ManifestPart> parts)
    {
        var byName = parts.Where(p => p.Root is not null)
            .SelectMany(p => p.ModelNames().DistinctBy(n => n.Name).Select(n => (Part: p, n.Name, n.Field, n.At)))
            .GroupBy(n => n.Name, StringComparer.Ordinal)
            .Where(g => g.Count() > 1);
        foreach (var group in byName)
        {
            var keep = Keeper([.. group.Select(g => g.Part)])!;
            var kept = group.First(g => g.Part == keep);
            foreach (var other in group.Where(g => g.Part != keep))
            {
                other.Part.Problems.Add(other.At!, other.Field,
                    $"model '{other.Name}' is also in {keep.Path} ({kept.Field}, line {kept.At!.Line}); a model name may appear in one file of the directory only");
            }
        }
    }

    /// <summary>Of several files writing the same thing, the one that keeps it: the first not changed, else the first.</summary>
    private static ManifestPart? Keeper(List<ManifestPart> having) => having.FirstOrDefault(p => !p.IsNew) ?? having.FirstOrDefault();
}

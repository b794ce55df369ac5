using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Manifest;

/// <summary>
/// Loads and validates a manifest (docs/manifest.md). Strict: unknown keys and wrong types are errors,
/// and every problem is reported at once, each as <c>FILE:LINE:COL: field.path: message</c>.
/// A directory is read as its files together (<see cref="Directories.DirectoryComposer"/>).
/// </summary>
internal static class ManifestLoader
{
    /// <summary>A ConfigMap holds at most 1 MiB; a larger file is a mistake or an attack, and is not read.</summary>
    public const int MaxBytes = 1 << 20;

    public static ManifestLoadResult Load(string path, IReadOnlyList<ISourceSyntax> kinds)
    {
        if (Directory.Exists(path))
        {
            return Directories.ManifestDirectoryLoader.Load(path, kinds);
        }

        byte[] bytes;
        try
        {
            bytes = ReadBounded(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new ManifestLoadResult(null, [new ManifestProblem(path, 0, 0, "", $"cannot read the manifest: {e.Message}")]);
        }

        return LoadFromBytes(bytes, path, kinds);
    }

    /// <summary>The file's bytes, but never more than <see cref="MaxBytes"/> + 1: enough to tell it is too large.
    /// Read to the end rather than to the length stat reports, which a growing or procfs-like file gets wrong.</summary>
    public static byte[] ReadBounded(string path)
    {
        using var stream = File.OpenRead(path);
        using var bytes = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while (bytes.Length <= MaxBytes && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1 - bytes.Length))) > 0)
        {
            bytes.Write(chunk, 0, read);
        }

        return bytes.ToArray();
    }

    /// <summary>Loads what one read of the file returned; the manifest keeps the sha256 of those bytes.</summary>
    public static ManifestLoadResult LoadFromBytes(byte[] bytes, string sourceName, IReadOnlyList<ISourceSyntax> kinds)
    {
        if (bytes.Length > MaxBytes)
        {
            return new ManifestLoadResult(null, [new ManifestProblem(sourceName, 0, 0, "",
                $"the manifest is larger than {ByteText.Format(MaxBytes)}, the most a ConfigMap holds; it is not parsed")]);
        }

        using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
        var result = LoadFromText(reader.ReadToEnd(), sourceName, kinds);
        return result.Manifest is { } manifest
            ? result with { Manifest = manifest with { ContentSha256 = Sha256Hex(bytes) } }
            : result;
    }

    /// <summary>A manifest whose models cannot all fit is refused now, not after hours of downloading.</summary>
    internal static void CheckCapacity(YNode? at, ModelManifest manifest, ProblemList problems)
    {
        if (manifest.Store.Capacity is not { } capacity || at is null)
        {
            return;
        }

        // On-demand models are never all on a node (they make room for each other, least recently used out):
        // the preloaded ones must fit with the largest of them, and each within store.onDemandCapacity.
        var onDemand = manifest.Models.Where(m => m.Placement?.OnDemand == true).ToList();
        var total = manifest.Models.Where(m => m.Placement?.OnDemand != true).Sum(model => model.TotalBytes) + onDemand.Select(m => m.TotalBytes).DefaultIfEmpty(0).Max();
        if (total > capacity)
        {
            var largest = manifest.Models.MaxBy(model => model.TotalBytes)!;
            problems.Add(at, "store.capacity", $"the models need {ByteText.Format(total)} in all{(onDemand.Count > 0 ? " (on-demand ones: the largest only)" : "")} (the largest, '{largest.Name}', {ByteText.Format(largest.TotalBytes)}), more than the capacity of {ByteText.Format(capacity)}");
        }

        if (manifest.Store.OnDemandLimit is { } limit && onDemand.FirstOrDefault(m => m.TotalBytes > limit) is { } tooLarge)
        {
            problems.Add(at, "store.onDemandCapacity", $"the on-demand model '{tooLarge.Name}' needs {ByteText.Format(tooLarge.TotalBytes)}, more than the {ByteText.Format(limit)} on-demand models may use{(manifest.Store.OnDemandCapacity is null ? " (half of store.capacity)" : "")}");
        }
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <param name="text">The YAML.</param>
    /// <param name="sourceName">Named in every problem and kept as <see cref="ModelManifest.SourcePath"/>.</param>
    /// <param name="kinds">The registered source kinds (<c>Sources/SourceKinds</c>), which read the models and their sync keys.</param>
    public static ManifestLoadResult LoadFromText(string text, string sourceName, IReadOnlyList<ISourceSyntax> kinds)
    {
        var problems = new ProblemList(sourceName);
        var manifest = Read(new YamlTreeReader(problems).Read(text), sourceName, kinds, problems);
        return new ManifestLoadResult(problems.Count == 0 ? manifest : null, problems.Sorted());
    }

    private static ModelManifest? Read(YNode? root, string sourceName, IReadOnlyList<ISourceSyntax> kinds, ProblemList problems)
    {
        if (root is null)
        {
            return null;
        }

        if (root is not YMapping map)
        {
            problems.Add(root, "", $"the manifest must be a mapping with store, sync and models, not {root.Kind}");
            return null;
        }

        var m = new MappingReader(map, "", problems);
        var storeSection = m.Mapping("store");
        var store = StoreSectionReader.Read(storeSection);
        var sync = SyncSectionReader.Read(m.Mapping("sync"), kinds);
        var manifest = new ModelManifest
        {
            SourcePath = sourceName,
            Store = store,
            Sync = sync,
            Models = ModelSectionReader.Read(m.Require("models"), new ModelReading(sync, kinds), problems),
        };
        CheckCapacity(storeSection?.Get("capacity"), manifest, problems);
        m.ReportUnknownKeys();
        return manifest;
    }
}

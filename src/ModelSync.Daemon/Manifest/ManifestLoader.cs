using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Manifest;

/// <summary>
/// Loads and validates a manifest (docs/manifest.md). Strict: unknown keys and wrong types are errors,
/// and every problem is reported at once, each as <c>FILE:LINE:COL: field.path: message</c>.
/// </summary>
public static class ManifestLoader
{
    public static ManifestLoadResult Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new ManifestLoadResult(null, [new ManifestProblem(path, 0, 0, "", $"cannot read the manifest: {e.Message}")]);
        }

        return LoadFromBytes(bytes, path);
    }

    /// <summary>Loads what one read of the file returned; the manifest keeps the sha256 of those bytes.</summary>
    public static ManifestLoadResult LoadFromBytes(byte[] bytes, string sourceName)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
        var result = LoadFromText(reader.ReadToEnd(), sourceName);
        return result.Manifest is { } manifest
            ? result with { Manifest = manifest with { ContentSha256 = Sha256Hex(bytes) } }
            : result;
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <param name="text">The YAML.</param>
    /// <param name="sourceName">Named in every problem and kept as <see cref="ModelManifest.SourcePath"/>.</param>
    public static ManifestLoadResult LoadFromText(string text, string sourceName)
    {
        var problems = new ProblemList(sourceName);
        var manifest = Read(new YamlTreeReader(problems).Read(text), sourceName, problems);
        return new ManifestLoadResult(problems.Count == 0 ? manifest : null, problems.Sorted());
    }

    private static ModelManifest? Read(YNode? root, string sourceName, ProblemList problems)
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
        var manifest = new ModelManifest
        {
            SourcePath = sourceName,
            Store = StoreSectionReader.Read(m.Mapping("store")),
            Sync = SyncSectionReader.Read(m.Mapping("sync")),
            Models = ModelSectionReader.Read(m.Require("models"), problems),
        };
        m.ReportUnknownKeys();
        return manifest;
    }
}

using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Digests;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Manifest;

/// <summary>The <c>files:</c> list of one model.</summary>
internal static class FileSectionReader
{
    // A stand-in so later checks still run on a file whose URL was bad; never leaves the loader.
    private static readonly Uri Invalid = new("file:///invalid");

    public static List<FileSpec> Read(YNode? node, string field, Uri? baseUrl, bool baseUrlWritten, IReadOnlyList<string> fileRoots, ProblemList problems)
    {
        var files = new List<FileSpec>();
        if (node is null)
        {
            return files;
        }

        if (node is not YSequence { Items.Count: > 0 } list)
        {
            problems.Add(node, field, node is YSequence ? "must list at least one file" : $"must be a list, not {node.Kind}");
            return files;
        }

        var paths = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (MappingReader.AsMapping(list.Items[i], field, i, problems) is not { } m)
            {
                continue;
            }

            var file = ReadFile(m, baseUrl, baseUrlWritten, fileRoots);
            if (file.Path.Length > 0 && CheckUnique(file.Path, i, paths) is { } clash)
            {
                problems.Add(m.Get("path")!, m.Field("path"), clash);
            }

            files.Add(file);
        }

        return files;
    }

    private static FileSpec ReadFile(MappingReader m, Uri? baseUrl, bool baseUrlWritten, IReadOnlyList<string> fileRoots)
    {
        var path = m.String("path", required: true);
        var pathProblem = path is null ? null
            : SafePath.CheckRelative(path)
              ?? StoreLayout.ReservedProblem(path);
        if (pathProblem is not null)
        {
            m.Problems.Add(m.Get("path")!, m.Field("path"), pathProblem);
        }

        var url = ReadUrl(m, baseUrl, baseUrlWritten, pathProblem is null ? path : null, fileRoots);
        var size = m.Size("size", required: true);
        var sha256 = ReadDigest(m, "sha256", DigestFormat.Sha256HexLength, DigestFormat.IsSha256);
        var xxh128 = ReadDigest(m, "xxh128", DigestFormat.Xxh128HexLength, DigestFormat.IsXxh128);
        if (m.Get("sha256") is null && m.Get("xxh128") is null && m.Misspelt("sha256") is null && m.Misspelt("xxh128") is null)
        {
            m.Problems.Add(m.Node, m.Path, "needs at least one digest: sha256 or xxh128");
        }

        m.ReportUnknownKeys();
        return new FileSpec { Path = path ?? "", Url = url ?? Invalid, Size = size ?? 0, Sha256 = sha256, Xxh128 = xxh128 };
    }

    private static Uri? ReadUrl(MappingReader m, Uri? baseUrl, bool baseUrlWritten, string? path, IReadOnlyList<string> fileRoots)
    {
        if (m.String("url") is { } text)
        {
            var problem = SourceUrl.Check(text, out var uri) ?? FileRoots.Check(uri!, fileRoots);
            if (problem is not null)
            {
                m.Problems.Add(m.Get("url")!, m.Field("url"), problem);
            }

            return uri;
        }

        if (baseUrl is null)
        {
            // An invalid baseUrl is already reported once at the model; don't repeat it for every file.
            if (!baseUrlWritten)
            {
                m.Problems.Add(m.Node, m.Field("url"), "is required when the model has no baseUrl");
            }

            return null;
        }

        return path is null ? null : SourceUrl.Resolve(baseUrl, path);
    }

    /// <summary>Hex digests; upper case is accepted and normalized, since tools differ in what they print.</summary>
    internal static string? ReadDigest(MappingReader m, string key, int length, Func<string?, bool> isValid)
    {
        if (m.String(key) is not { } text)
        {
            return null;
        }

        // Only a digest written in upper case is copied: 10,000 lower-case ones are kept as they are.
        var lower = text.AsSpan().ContainsAnyInRange('A', 'Z') ? text.ToLowerInvariant() : text;
        if (!isValid(lower))
        {
            m.Problems.Add(m.Get(key)!, m.Field(key), $"must be {length} hex characters, got '{text}' ({text.Length} characters)");
            return null;
        }

        return lower;
    }

    /// <summary>Same path twice (also by case), or a path that another file needs as a directory ('a' and 'a/b').</summary>
    private static string? CheckUnique(string path, int index, Dictionary<string, int> paths)
    {
        if (paths.TryGetValue(path, out var other))
        {
            return $"duplicate path '{path}' (also files[{other}])";
        }

        foreach (var (existing, i) in paths)
        {
            if (string.Equals(path, existing, StringComparison.OrdinalIgnoreCase))
            {
                // Both fine on ext4, but one overwrites the other once copied to a case-insensitive disk.
                return $"path '{path}' differs from files[{i}] '{existing}' only by case";
            }

            if (IsBelow(path, existing) || IsBelow(existing, path))
            {
                return $"path '{path}' conflicts with files[{i}] '{existing}': one would have to be a directory";
            }
        }

        paths[path] = index;
        return null;
    }

    // Every pair of a model's files is compared: "dir" + "/" per pair was 4 million strings for 2,000 files.
    private static bool IsBelow(string path, string directory) =>
        path.Length > directory.Length && path[directory.Length] == '/' && path.StartsWith(directory, StringComparison.Ordinal);
}

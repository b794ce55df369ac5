using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Manifest;

/// <summary>Model keys several source kinds read the same way: include/exclude, auth, the listing keys a resolved source refuses.</summary>
internal static class ModelFields
{
    /// <summary>What markers and the inventory record as a resolved source: the reference plus its filters
    /// (<c>REF?include=*.json,*.bin&amp;exclude=onnx/*</c>; <c>&amp;</c> when the reference has a query already), so a
    /// changed include/exclude is another source and never mistaken for the file set already on disk.</summary>
    public static string FilteredKey(string reference, IReadOnlyList<string> include, IReadOnlyList<string> exclude) =>
        include.Count == 0 && exclude.Count == 0
            ? reference
            : $"{reference}{(reference.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{string.Join('&', new[] { ("include", include), ("exclude", exclude) }.Where(p => p.Item2.Count > 0).Select(p => $"{p.Item1}={string.Join(',', p.Item2)}"))}";

    /// <summary>The keys that would list a model's version and files, which a resolved source says itself.</summary>
    public static readonly string[] ListingKeys = ["version", "baseUrl", "files"];

    /// <summary>Reports each listing key written, with <paramref name="why"/> of the key.</summary>
    public static void RefuseListingKeys(MappingReader m, Func<string, string> why)
    {
        foreach (var key in ListingKeys)
        {
            if (m.Get(key) is { } node)
            {
                m.Problems.Add(node, m.Field(key), why(key));
            }
        }
    }

    /// <summary>Glob patterns as huggingface_hub's allow/ignore_patterns: '*' and '?' also match '/'.</summary>
    public static List<string> ReadPatterns(MappingReader m, string key)
    {
        var patterns = new List<string>();
        foreach (var (node, pattern) in m.StringList(key) ?? [])
        {
            if (pattern.Length == 0 || pattern.Contains('[', StringComparison.Ordinal))
            {
                m.Problems.Add(node, m.Field(key), $"must be a non-empty pattern of '*' and '?' (no [sets]), got '{pattern}'");
                continue;
            }

            // As huggingface_hub does: "dir/" means everything below dir.
            patterns.Add(pattern.EndsWith('/') ? pattern + "*" : pattern);
        }

        return patterns;
    }

    /// <summary><c>auth.KEY</c>: the absolute path of a credential file (only the path is checked: the secret may be
    /// mounted later than the manifest is validated); <paramref name="other"/>, the key of another kind, is refused.</summary>
    public static string? ReadAuth(MappingReader? m, string key, string other, string otherProblem)
    {
        if (m is null)
        {
            return null;
        }

        var path = m.String(key, required: m.Get(other) is null);
        if (path is not null && !StoreSectionReader.IsAbsolute(path))
        {
            m.Problems.Add(m.Get(key)!, m.Field(key), $"must be an absolute path, got '{path}'");
        }

        if (m.Get(other) is { } node)
        {
            m.Problems.Add(node, m.Field(other), otherProblem);
        }

        m.ReportUnknownKeys();
        return path;
    }

    /// <summary>An absolute path setting (<c>sync.dockerConfigFile</c>); null when absent or not absolute.</summary>
    public static string? ReadAbsolutePath(MappingReader m, string key)
    {
        var path = m.String(key);
        if (path is not null && !StoreSectionReader.IsAbsolute(path))
        {
            m.Problems.Add(m.Get(key)!, m.Field(key), $"must be an absolute path, got '{path}'");
            return null;
        }

        return path;
    }
}

using ModelSync.Store.Text;

namespace ModelSync.Daemon.Manifest.Yaml;

/// <summary>
/// Reads the keys of one YAML mapping under a field path. Every key asked for is remembered, so
/// <see cref="ReportUnknownKeys"/> can flag the rest: strictness without a separate schema list.
/// </summary>
internal sealed class MappingReader
{
    private readonly YMapping map;
    private readonly List<string> known = new(4);

    // A list item's path ("models[3].files[7]") is built only when a problem names it: 10,000 files would
    // otherwise each allocate one that is never read.
    private readonly string? parentPath;
    private readonly int index;
    private string? path;

    public MappingReader(YMapping map, string path, ProblemList problems)
        : this(map, path, null, 0, problems)
    {
    }

    /// <summary>The mapping at <paramref name="parentPath"/>[<paramref name="index"/>].</summary>
    public MappingReader(YMapping map, string parentPath, int index, ProblemList problems)
        : this(map, null, parentPath, index, problems)
    {
    }

    private MappingReader(YMapping map, string? path, string? parentPath, int index, ProblemList problems)
    {
        this.map = map;
        this.path = path;
        this.parentPath = parentPath;
        this.index = index;
        Problems = problems;
        // A mapping has a handful of keys: a scan of the earlier ones costs less than a dictionary per mapping
        // (10,000 of them for 1,000 models). A mapping of many keys (not a manifest's) gets the dictionary.
        var entries = map.Entries;
        var seen = entries.Count > 16 ? new Dictionary<string, YScalar>(StringComparer.Ordinal) : null;
        for (var i = 0; i < entries.Count; i++)
        {
            var key = entries[i].Key;
            if (FirstOf(key.Value, i, seen) is { } first)
            {
                problems.Add(key, Field(key.Value), $"duplicate key (first at line {first.Line}, column {first.Column})");
            }
        }
    }

    /// <summary>The first key before entry <paramref name="i"/> spelt <paramref name="key"/>, if any.</summary>
    private YScalar? FirstOf(string key, int i, Dictionary<string, YScalar>? seen)
    {
        if (seen is not null)
        {
            return seen.TryAdd(key, map.Entries[i].Key) ? null : seen[key];
        }

        for (var j = 0; j < i; j++)
        {
            if (string.Equals(map.Entries[j].Key.Value, key, StringComparison.Ordinal))
            {
                return map.Entries[j].Key;
            }
        }

        return null;
    }

    public string Path => path ??= $"{parentPath}[{index}]";

    public ProblemList Problems { get; }

    public YNode Node => map;

    public string Field(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The value of <paramref name="key"/>; null when absent or written as YAML null.</summary>
    public YNode? Get(string key)
    {
        if (!known.Contains(key))
        {
            known.Add(key);
        }

        YNode? value = null;
        foreach (var (k, v) in map.Entries)
        {
            if (string.Equals(k.Value, key, StringComparison.Ordinal))
            {
                value = v;
                break;
            }
        }

        return value is YScalar { IsNull: true } ? null : value;
    }

    /// <summary>A value that must be there; reports "is required" at the mapping otherwise.</summary>
    public YNode? Require(string key)
    {
        var value = Get(key);
        // A misspelt key is reported once, as unknown with "did you mean"; "is required" would repeat it.
        if (value is null && Misspelt(key) is null)
        {
            Problems.Add(map, Field(key), "is required");
        }

        return value;
    }

    /// <summary>A written key that is not <paramref name="key"/> but likely a typo of it, when
    /// <paramref name="key"/> itself is absent: the caller then skips errors that follow from its absence.</summary>
    public YScalar? Misspelt(string key) =>
        map.Entries.Any(e => e.Key.Value == key)
            ? null
            : map.Entries.Select(e => e.Key).FirstOrDefault(k => Spelling.Nearest(k.Value, [key]) is not null);

    public void ReportUnknownKeys()
    {
        if (AllKnown())
        {
            return;
        }

        foreach (var (key, _) in map.Entries.Where(e => !known.Contains(e.Key.Value)))
        {
            var near = Spelling.Nearest(key.Value, known.Where(k => !map.Entries.Any(e => e.Key.Value == k)))
                ?? Spelling.Nearest(key.Value, known);
            var hint = near is not null ? $"; did you mean '{near}'?" : $"; expected one of: {string.Join(", ", known)}";
            Problems.Add(key, Field(key.Value), $"unknown key{hint}");
        }
    }

    private bool AllKnown()
    {
        foreach (var (key, _) in map.Entries)
        {
            if (!known.Contains(key.Value))
            {
                return false;
            }
        }

        return true;
    }

    public MappingReader? Mapping(string key) => Get(key) is { } node ? AsMapping(node, Field(key), Problems) : null;

    public static MappingReader? AsMapping(YNode node, string field, ProblemList problems)
    {
        if (node is YMapping m)
        {
            return new MappingReader(m, field, problems);
        }

        problems.Add(node, field, $"must be a mapping, not {node.Kind}");
        return null;
    }

    /// <summary>As <see cref="AsMapping(YNode, string, ProblemList)"/> for item <paramref name="index"/> of the
    /// list at <paramref name="listField"/>.</summary>
    public static MappingReader? AsMapping(YNode node, string listField, int index, ProblemList problems)
    {
        if (node is YMapping m)
        {
            return new MappingReader(m, listField, index, problems);
        }

        problems.Add(node, $"{listField}[{index}]", $"must be a mapping, not {node.Kind}");
        return null;
    }
}

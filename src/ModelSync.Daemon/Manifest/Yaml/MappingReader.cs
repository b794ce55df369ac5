using ModelSync.Store.Text;

namespace ModelSync.Daemon.Manifest.Yaml;

/// <summary>
/// Reads the keys of one YAML mapping under a field path. Every key asked for is remembered, so
/// <see cref="ReportUnknownKeys"/> can flag the rest: strictness without a separate schema list.
/// </summary>
internal sealed class MappingReader
{
    private readonly YMapping map;
    private readonly List<string> known = [];

    public MappingReader(YMapping map, string path, ProblemList problems)
    {
        this.map = map;
        Path = path;
        Problems = problems;
        var seen = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        foreach (var (key, _) in map.Entries)
        {
            if (!seen.TryAdd(key.Value, key))
            {
                var first = seen[key.Value];
                problems.Add(key, Field(key.Value), $"duplicate key (first at line {first.Line}, column {first.Column})");
            }
        }
    }

    public string Path { get; }

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

        var value = map.Entries.FirstOrDefault(e => e.Key.Value == key).Value;
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
        foreach (var (key, _) in map.Entries.Where(e => !known.Contains(e.Key.Value)))
        {
            var near = Spelling.Nearest(key.Value, known.Where(k => !map.Entries.Any(e => e.Key.Value == k)))
                ?? Spelling.Nearest(key.Value, known);
            var hint = near is not null ? $"; did you mean '{near}'?" : $"; expected one of: {string.Join(", ", known)}";
            Problems.Add(key, Field(key.Value), $"unknown key{hint}");
        }
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
}

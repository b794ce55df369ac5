using ModelSync.Store.Text;
namespace ModelSync.Daemon.Manifest.Yaml;

/// <summary>Typed reads of scalar values; each reports its own problem and returns null on failure.</summary>
internal static class ScalarValues
{
    public static string? String(this MappingReader m, string key, bool required = false) =>
        (required ? m.Require(key) : m.Get(key)) is { } node ? AsString(node, m, key) : null;

    /// <summary>As <see cref="AsString(YNode, string, ProblemList)"/>, naming the field only for a problem.</summary>
    private static string? AsString(YNode node, MappingReader m, string key) =>
        node is YScalar s ? s.Value : AsString(node, m.Field(key), m.Problems);

    public static string? AsString(YNode node, string field, ProblemList problems)
    {
        if (node is YScalar s)
        {
            return s.Value;
        }

        problems.Add(node, field, $"must be a string, not {node.Kind}");
        return null;
    }

    /// <summary>An integer in [min, max]. Must be a plain YAML integer: a quoted "5" is a string.</summary>
    public static int? Int(this MappingReader m, string key, int min, int max)
    {
        if (m.Get(key) is not { } node)
        {
            return null;
        }

        var field = m.Field(key);
        if (node is not YScalar { IsPlain: true } s || !int.TryParse(s.Value, System.Globalization.NumberStyles.AllowLeadingSign, null, out var value))
        {
            var shown = node is YScalar q ? $"'{q.Value}'" : node.Kind;
            m.Problems.Add(node, field, $"must be an integer, got {shown}");
            return null;
        }

        if (value < min || value > max)
        {
            var range = max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            m.Problems.Add(node, field, $"must be {range}, got {value}");
            return null;
        }

        return value;
    }

    /// <summary>A list of strings; null when absent.</summary>
    public static List<(YNode Node, string Value)>? StringList(this MappingReader m, string key)
    {
        if (m.Get(key) is not { } node)
        {
            return null;
        }

        if (node is not YSequence list)
        {
            m.Problems.Add(node, m.Field(key), $"must be a list, not {node.Kind}");
            return null;
        }

        var values = new List<(YNode, string)>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (AsString(list.Items[i], $"{m.Field(key)}[{i}]", m.Problems) is { } text)
            {
                values.Add((list.Items[i], text));
            }
        }

        return values;
    }

    /// <summary>A size (see <see cref="ByteSize"/>) of at least <paramref name="min"/> bytes.</summary>
    public static long? Size(this MappingReader m, string key, long min = 0, bool required = false)
    {
        if ((required ? m.Require(key) : m.Get(key)) is not { } node || AsString(node, m, key) is not { } text)
        {
            return null;
        }

        if (!ByteSize.TryParse(text, out var bytes, out var error))
        {
            m.Problems.Add(node, m.Field(key), error);
            return null;
        }

        if (bytes < min)
        {
            m.Problems.Add(node, m.Field(key), min == 1 ? $"must be greater than 0, got '{text}'" : $"must be at least {ByteText.Format(min)}, got '{text}'");
            return null;
        }

        return bytes;
    }

    /// <summary>A size, or a percentage of the filesystem (<c>15%</c>): <see cref="ReserveSize"/>.</summary>
    public static ReserveSize? Reserve(this MappingReader m, string key)
    {
        if (m.Get(key) is not { } node || AsString(node, m.Field(key), m.Problems) is not { } text)
        {
            return null;
        }

        if (!ReserveSize.TryParsePercent(text, out var percent, out var error))
        {
            return m.Size(key) is { } bytes ? bytes : null;
        }

        if (error is not null)
        {
            m.Problems.Add(node, m.Field(key), error);
            return null;
        }

        return ReserveSize.Share(percent) is { IsPercent: true } share ? share : 0L;
    }

    /// <summary>A duration (see <see cref="DurationText"/>); <paramref name="positive"/> refuses zero.</summary>
    public static TimeSpan? Duration(this MappingReader m, string key, bool positive)
    {
        if (m.Get(key) is not { } node || AsString(node, m.Field(key), m.Problems) is not { } text)
        {
            return null;
        }

        if (!DurationText.TryParse(text, out var value, out var error))
        {
            m.Problems.Add(node, m.Field(key), error);
            return null;
        }

        if (positive && value <= TimeSpan.Zero)
        {
            m.Problems.Add(node, m.Field(key), $"must be greater than 0, got '{text}'");
            return null;
        }

        return value;
    }
}

namespace ModelSync.Store.Validation;

/// <summary><c>NAME</c> or <c>NAME@VERSION</c>: what a service needs from the store.</summary>
public sealed record ModelRequirement(string Name, string? Version)
{
    public override string ToString() => Version is null ? Name : $"{Name}@{Version}";

    /// <summary>Parses a comma-separated list; returns null and the offending item when it is malformed.</summary>
    public static IReadOnlyList<ModelRequirement>? ParseList(string value, out string? error)
    {
        var result = new List<ModelRequirement>();
        foreach (var raw in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0)
            {
                continue;
            }

            var at = raw.IndexOf('@', StringComparison.Ordinal);
            var name = at < 0 ? raw : raw[..at];
            var version = at < 0 ? null : raw[(at + 1)..];
            if (!Names.IsDns1123Label(name) || (version is not null && !Names.IsVersion(version)))
            {
                error = $"'{raw}' is not NAME or NAME@VERSION (name: lowercase DNS-1123 label; version: letters, digits, '.', '_', '-')";
                return null;
            }

            result.Add(new ModelRequirement(name, version));
        }

        error = null;
        return result;
    }
}

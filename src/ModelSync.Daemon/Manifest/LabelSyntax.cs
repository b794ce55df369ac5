namespace ModelSync.Daemon.Manifest;

/// <summary>Label keys and values as the API server accepts them (a selector it would refuse is refused here, where
/// the manifest says where it is), and node-name globs.</summary>
internal static class LabelSyntax
{
    /// <summary>Null when <paramref name="key"/> is <c>[PREFIX/]NAME</c>: a DNS subdomain prefix, a name of at most 63.</summary>
    public static string? KeyProblem(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (prefix, name) = slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
        if (prefix is not null && !IsDnsSubdomain(prefix))
        {
            return $"must be a label key: its prefix '{prefix}' is not a DNS subdomain (lowercase a-z, 0-9, '-', '.', at most 253 characters)";
        }

        return name.Length > 0 && IsName(name)
            ? null
            : $"must be a label key ([PREFIX/]NAME; NAME at most 63 characters of a-z, A-Z, 0-9, '-', '_', '.', alphanumeric at both ends), got '{key}'";
    }

    public static string? ValueProblem(string value) =>
        value.Length == 0 || IsName(value)
            ? null
            : $"must be a label value (at most 63 characters of a-z, A-Z, 0-9, '-', '_', '.', alphanumeric at both ends; or empty), got '{value}'";

    private static bool IsName(string s) =>
        s.Length <= 63 && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static bool IsDnsSubdomain(string s) =>
        s.Length is > 0 and <= 253 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
        && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]);
}

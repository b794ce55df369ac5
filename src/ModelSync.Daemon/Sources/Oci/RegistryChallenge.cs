using System.Text.RegularExpressions;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>A registry's <c>WWW-Authenticate</c> answer: <c>Bearer realm="…",service="…",scope="…"</c> (the token
/// flow, distribution docs/spec/auth/token.md) or <c>Basic realm="…"</c> (htpasswd).</summary>
internal sealed partial record RegistryChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");

    public static RegistryChallenge? Parse(string? header)
    {
        if (header is null || header.IndexOf(' ', StringComparison.Ordinal) is not (var space and > 0))
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in Parameter().Matches(header[(space + 1)..]))
        {
            parameters.TryAdd(match.Groups["key"].Value, match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["bare"].Value);
        }

        return new RegistryChallenge(header[..space].Trim(), parameters);
    }

    [GeneratedRegex("""(?<key>[A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"(?<quoted>[^"]*)"|(?<bare>[^,\s]+))""", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}

using System.Text.RegularExpressions;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>
/// <c>source: oci://HOST[:PORT]/REPO:TAG</c>, <c>oci://HOST[:PORT]/REPO@sha256:DIGEST</c> or
/// <c>ollama://MODEL[:TAG]</c> (Ollama's registry, <c>registry.ollama.ai/library/MODEL</c>): an artifact in an
/// OCI distribution registry. The daemon resolves the tag to a manifest digest, which names the version
/// (docs/sources.md, "OCI registries"), so a moved tag becomes a new version instead of changing a Ready one.
/// </summary>
public sealed partial record OciReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string Scheme = "oci://";
    public const string OllamaScheme = "ollama://";
    public const string OllamaRegistry = "registry.ollama.ai";
    public const string DefaultTag = "latest";

    /// <summary>Written as <c>ollama://</c>: layers without a path annotation are named by their media type.</summary>
    public bool Ollama { get; init; }

    public IReadOnlyList<string> Include { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>What the manifest GET asks for: the digest when pinned, else the tag.</summary>
    public string Reference => Digest ?? Tag ?? DefaultTag;

    /// <summary>As written in the manifest.</summary>
    public override string ToString() =>
        (Ollama ? $"{OllamaScheme}{(Repository.StartsWith("library/", StringComparison.Ordinal) ? Repository["library/".Length..] : Repository)}" : $"{Scheme}{Registry}/{Repository}")
        + (Tag is null ? "" : $":{Tag}") + (Digest is null ? "" : $"@{Digest}");

    /// <summary>What markers and the inventory record as the source: the reference plus its filters, as for hf://.</summary>
    public string Key => ModelFields.FilteredKey(ToString(), Include, Exclude);

    /// <summary>Null when <paramref name="text"/> is a valid reference, else why not.</summary>
    public static string? TryParse(string text, out OciReference? reference)
    {
        reference = null;
        var ollama = text.StartsWith(OllamaScheme, StringComparison.Ordinal);
        if (!ollama && !text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return $"must be oci://HOST[:PORT]/REPO:TAG, oci://HOST[:PORT]/REPO@sha256:DIGEST or ollama://MODEL[:TAG], got '{text}'";
        }

        var rest = ollama ? text[OllamaScheme.Length..] : text[Scheme.Length..];
        string? digest = null;
        if (rest.IndexOf('@', StringComparison.Ordinal) is var at and >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                return $"'{digest}' is not a digest (sha256: and 64 lowercase hex digits)";
            }
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var registry = ollama ? OllamaRegistry : slash < 0 ? "" : rest[..slash];
        var path = ollama ? rest : slash < 0 ? "" : rest[(slash + 1)..];
        if (!ollama && !HostPattern().IsMatch(registry))
        {
            return $"'{registry}' is not a registry HOST or HOST:PORT (oci://HOST[:PORT]/REPO:TAG)";
        }

        string? tag = null;
        var colon = path.LastIndexOf(':');
        if (colon >= 0)
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                return $"'{tag}' is not a tag (letters, digits, '_', '.', '-'; at most 128, not starting with '.' or '-')";
            }
        }

        if (ollama && !path.Contains('/', StringComparison.Ordinal))
        {
            path = "library/" + path;
        }

        if (!RepositoryPattern().IsMatch(path) || path.Length > 255)
        {
            return $"'{path}' is not a repository name (lowercase letters, digits and '.', '_', '__', '-' between them, '/' between components)";
        }

        reference = new OciReference(registry, path, tag ?? (digest is null ? DefaultTag : null), digest) { Ollama = ollama };
        return null;
    }

    // The distribution spec's grammar (docs/spec.md, "Pulling manifests"), host as in docker's reference package.
    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();
}

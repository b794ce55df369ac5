using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Manifest;

/// <summary>The <c>models:</c> list; each model's files are read by <see cref="FileSectionReader"/>.</summary>
internal static class ModelSectionReader
{
    public static List<ModelSpec> Read(YNode? node, SyncSettings sync, ProblemList problems)
    {
        var models = new List<ModelSpec>();
        if (node is null)
        {
            return models;
        }

        if (node is not YSequence list)
        {
            problems.Add(node, "models", $"must be a list, not {node.Kind}");
            return models;
        }

        var firstByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (MappingReader.AsMapping(list.Items[i], $"models[{i}]", problems) is not { } m)
            {
                continue;
            }

            var model = ReadModel(m, sync);
            if (model.Name.Length > 0 && !firstByName.TryAdd(model.Name, i))
            {
                problems.Add(m.Get("name")!, m.Field("name"), $"duplicate model name '{model.Name}' (also models[{firstByName[model.Name]}])");
            }

            models.Add(model);
        }

        return models;
    }

    private static ModelSpec ReadModel(MappingReader m, SyncSettings sync)
    {
        var name = m.String("name", required: true);
        if (name is not null && !Names.IsDns1123Label(name))
        {
            m.Problems.Add(m.Get("name")!, m.Field("name"),
                $"must be a DNS-1123 label (lowercase letters, digits and '-', alphanumeric at both ends, at most {Names.MaxNameLength} characters), got '{name}'");
        }

        if (m.Get("source") is not null)
        {
            return ReadSourceModel(m, name ?? "");
        }

        var version = m.String("version", required: true);
        if (version is not null && !Names.IsVersion(version))
        {
            m.Problems.Add(m.Get("version")!, m.Field("version"),
                $"must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most {Names.MaxVersionLength} characters), got '{version}'");
        }

        var baseUrl = ReadBaseUrl(m, sync.AllowedFileRoots);
        var (tokenFile, _) = ReadAuth(m.Mapping("auth"), oci: false);
        foreach (var key in HubOnlyKeys)
        {
            if (m.Get(key) is { } node)
            {
                m.Problems.Add(node, m.Field(key), "only with source: hf://... or oci://...");
            }
        }

        var files = FileSectionReader.Read(m.Require("files"), m.Field("files"), baseUrl, baseUrlWritten: m.Get("baseUrl") is not null, sync.AllowedFileRoots, m.Problems);
        m.ReportUnknownKeys();
        return new ModelSpec { Name = name ?? "", Version = version ?? "", BaseUrl = baseUrl, BearerTokenFile = tokenFile, Files = files };
    }

    private static readonly string[] HubOnlyKeys = ["include", "exclude"];
    private static readonly string[] ListingKeys = ["version", "baseUrl", "files"];

    /// <summary>A model whose version and files come from the hub or a registry; the keys that would say them are refused.</summary>
    private static ModelSpec ReadSourceModel(MappingReader m, string name)
    {
        var text = m.String("source");
        HubReference? hub = null;
        OciReference? oci = null;
        var isOci = text is not null && (text.StartsWith(OciReference.Scheme, StringComparison.Ordinal) || text.StartsWith(OciReference.OllamaScheme, StringComparison.Ordinal));
        if (text is not null && (isOci ? OciReference.TryParse(text, out oci) : HubReference.TryParse(text, out hub)) is { } problem)
        {
            m.Problems.Add(m.Get("source")!, m.Field("source"), isOci ? problem : $"{problem} (or oci://HOST/REPO:TAG, ollama://MODEL:TAG)");
        }

        foreach (var key in ListingKeys)
        {
            if (m.Get(key) is { } node)
            {
                m.Problems.Add(node, m.Field(key), key == "version"
                    ? isOci
                        ? "not with source: the version is the manifest digest the tag resolves to (pin one with @sha256:DIGEST)"
                        : "not with source: the version is the commit the revision resolves to (pin one with @COMMIT)"
                    : $"not with source: the {(isOci ? "registry's manifest" : "hub")} lists the files (narrow them with include/exclude)");
            }
        }

        var include = ReadPatterns(m, "include");
        var exclude = ReadPatterns(m, "exclude");
        var (tokenFile, dockerConfig) = ReadAuth(m.Mapping("auth"), isOci);
        m.ReportUnknownKeys();
        return new ModelSpec
        {
            Name = name,
            Version = "",
            Hub = hub is null ? null : hub with { Include = include, Exclude = exclude },
            Oci = oci is null ? null : oci with { Include = include, Exclude = exclude },
            BearerTokenFile = tokenFile,
            DockerConfigFile = dockerConfig,
            Files = [],
        };
    }

    /// <summary>Glob patterns as huggingface_hub's allow/ignore_patterns: '*' and '?' also match '/'.</summary>
    private static List<string> ReadPatterns(MappingReader m, string key)
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

    private static Uri? ReadBaseUrl(MappingReader m, IReadOnlyList<string> fileRoots)
    {
        if (m.String("baseUrl") is not { } text)
        {
            return null;
        }

        var problem = SourceUrl.Check(text, out var uri);
        if (problem is null && uri!.Query.Length > 0)
        {
            // A file path is appended to the base; a query would end up in the middle of the URL.
            problem = $"must not have a ?query (give such files their own url), got '{text}'";
        }

        // Paths below the base cannot climb out of it (no '..'), so checking the base covers its files.
        problem ??= FileRoots.Check(uri!, fileRoots);

        if (problem is not null)
        {
            m.Problems.Add(m.Get("baseUrl")!, m.Field("baseUrl"), problem);
            return null;
        }

        return SourceUrl.AsBase(uri!);
    }

    /// <summary><c>auth.bearerTokenFile</c>, or for a registry <c>auth.dockerConfigFile</c> (registries hand out their
    /// own tokens: the token flow needs the account, not a token).</summary>
    private static (string? TokenFile, string? DockerConfigFile) ReadAuth(MappingReader? m, bool oci)
    {
        if (m is null)
        {
            return (null, null);
        }

        var key = oci ? "dockerConfigFile" : "bearerTokenFile";
        var other = oci ? "bearerTokenFile" : "dockerConfigFile";
        // Only the path is checked: the secret may be mounted later than the manifest is validated.
        var path = m.String(key, required: m.Get(other) is null);
        if (path is not null && !StoreSectionReader.IsAbsolute(path))
        {
            m.Problems.Add(m.Get(key)!, m.Field(key), $"must be an absolute path, got '{path}'");
        }

        if (m.Get(other) is { } node)
        {
            m.Problems.Add(node, m.Field(other), oci ? "not with source: oci://... (use dockerConfigFile: a docker config.json)" : "only with source: oci://...");
        }

        m.ReportUnknownKeys();
        return oci ? (null, path) : (path, null);
    }
}

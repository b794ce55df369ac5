using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary><c>source: oci://…</c> and <c>ollama://…</c> (docs/sources.md, "OCI registries"): include/exclude,
/// <c>auth.dockerConfigFile</c>, and <c>sync.insecureRegistries</c>/<c>sync.dockerConfigFile</c>.</summary>
internal sealed partial class OciKind : ISourceKind
{
    public IReadOnlyList<string> Schemes => [OciReference.Scheme, OciReference.OllamaScheme];

    public IReadOnlyList<string> ModelKeys => ["include", "exclude", "auth"];

    public ISourceResolver Resolver(SourcePass pass) => new OciSource(pass.Sync.Source<OciSettings>(), pass.Sync.StallTimeout, pass.Http, pass.Time);

    public SourceSettings? ReadSettings(MappingReader sync) =>
        new OciSettings { InsecureRegistries = ReadInsecureRegistries(sync), DockerConfigFile = ModelFields.ReadAbsolutePath(sync, "dockerConfigFile") };

    public ModelSpec ReadModel(MappingReader m, string name, ModelReading reading)
    {
        OciReference? oci = null;
        if (m.String("source") is { } text && OciReference.TryParse(text, out oci) is { } problem)
        {
            m.Problems.Add(m.Get("source")!, m.Field("source"), problem);
        }

        ModelFields.RefuseListingKeys(m, key => key == "version"
            ? "not with source: the version is the manifest digest the tag resolves to (pin one with @sha256:DIGEST)"
            : "not with source: the registry's manifest lists the files (narrow them with include/exclude)");
        var include = ModelFields.ReadPatterns(m, "include");
        var exclude = ModelFields.ReadPatterns(m, "exclude");
        // Registries hand out their own tokens: the token flow needs the account, not a token.
        var dockerConfig = ModelFields.ReadAuth(m.Mapping("auth"), "dockerConfigFile", "bearerTokenFile", "not with source: oci://... (use dockerConfigFile: a docker config.json)");
        m.ReportUnknownKeys();
        // An invalid reference leaves a placeholder: the manifest is refused for the problem reported above.
        var reference = (oci ?? new OciReference("", "", null, null)) with { Include = include, Exclude = exclude };
        return new ModelSpec { Name = name, Version = "", Source = new OciSpec(reference, dockerConfig), Files = [] };
    }

    /// <summary>Registries reached over plain HTTP, as containerd's and podman's lists: <c>HOST[:PORT]</c>, no scheme.</summary>
    private static List<string> ReadInsecureRegistries(MappingReader m)
    {
        var registries = new List<string>();
        foreach (var (node, text) in m.StringList("insecureRegistries") ?? [])
        {
            if (!HostPort().IsMatch(text))
            {
                m.Problems.Add(node, m.Field("insecureRegistries"), $"must be HOST or HOST:PORT (no scheme, no path), got '{text}'");
                continue;
            }

            registries.Add(text.ToLowerInvariant());
        }

        return registries;
    }

    [GeneratedRegex(@"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPort();
}

internal static class OciSourceRegistration
{
    /// <summary><c>oci://</c> and <c>ollama://</c> sources.</summary>
    public static IServiceCollection AddOciSource(this IServiceCollection services) =>
        services.AddSingleton<ISourceKind, OciKind>();
}

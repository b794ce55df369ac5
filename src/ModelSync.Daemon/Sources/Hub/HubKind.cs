using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary><c>source: hf://ORG/REPO@REV</c> (docs/sources.md): include/exclude, <c>auth.bearerTokenFile</c>, and
/// <c>sync.hfEndpoint</c>/<c>sync.hfFallback</c>. Also says what it expects of a <c>source:</c> no kind claims.</summary>
internal sealed class HubKind : ISourceKind
{
    public IReadOnlyList<string> Schemes => [HubReference.Scheme];

    public IReadOnlyList<string> ModelKeys => ["include", "exclude", "auth"];

    /// <summary>The hub's keys have always been listed right after <c>proxy</c>.</summary>
    public string SettingsAfter => "proxy";

    public ISourceResolver Resolver(SourcePass pass) => new HubSource(pass.Sync.Source<HubSettings>(), pass.Sync.StallTimeout, pass.Http, pass.Time, pass.Logger);

    public SourceSettings? ReadSettings(MappingReader sync) =>
        new HubSettings { Endpoint = SyncSectionReader.ReadUrl(sync, "hfEndpoint"), Fallback = ReadFallback(sync) };

    public ModelSpec ReadModel(MappingReader m, string name, ModelReading reading)
    {
        HubReference? hub = null;
        if (m.String("source") is { } text && HubReference.TryParse(text, out hub) is { } problem)
        {
            m.Problems.Add(m.Get("source")!, m.Field("source"), $"{problem} (or oci://HOST/REPO:TAG, ollama://MODEL:TAG)");
        }

        ModelFields.RefuseListingKeys(m, key => key == "version"
            ? "not with source: the version is the commit the revision resolves to (pin one with @COMMIT)"
            : "not with source: the hub lists the files (narrow them with include/exclude)");
        var include = ModelFields.ReadPatterns(m, "include");
        var exclude = ModelFields.ReadPatterns(m, "exclude");
        var tokenFile = ModelFields.ReadAuth(m.Mapping("auth"), "bearerTokenFile", "dockerConfigFile", "only with source: oci://...");
        m.ReportUnknownKeys();
        // An invalid reference leaves a placeholder: the manifest is refused for the problem reported above.
        var reference = (hub ?? new HubReference("", "")) with { Include = include, Exclude = exclude };
        return new ModelSpec { Name = name, Version = "", Source = new HubSpec(reference, tokenFile), Files = [] };
    }

    /// <summary><c>hfFallback</c>: <c>fail</c> (null), <c>origin</c> (huggingface.co) or the http(s) URL of another hub.</summary>
    private static Uri? ReadFallback(MappingReader m)
    {
        switch (m.String("hfFallback"))
        {
            case null or "" or HubDefaults.FallbackFail:
                return null;
            case HubDefaults.FallbackOrigin:
                return new Uri(HubDefaults.Endpoint);
            case var text when text.Contains("://", StringComparison.Ordinal):
                return SyncSectionReader.ReadUrl(m, "hfFallback");
            case var text:
                m.Problems.Add(m.Get("hfFallback")!, m.Field("hfFallback"),
                    $"must be {HubDefaults.FallbackFail}, {HubDefaults.FallbackOrigin} or an http(s) URL, got '{text}'");
                return null;
        }
    }
}

internal static class HubSourceRegistration
{
    /// <summary><c>hf://</c> sources.</summary>
    public static IServiceCollection AddHubSource(this IServiceCollection services) =>
        services.AddSingleton<ISourceKind, HubKind>();
}

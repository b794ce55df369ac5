using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Sources.Listed;

/// <summary>Models without <c>source:</c>: <c>version</c>, <c>baseUrl</c>, <c>auth.bearerTokenFile</c> and the
/// <c>files:</c> list (http, https or file URLs, each with size and digests); nothing is asked of the network.</summary>
internal sealed class ListedKind : ISourceKind
{
    public IReadOnlyList<string> Schemes => [];

    public IReadOnlyList<string> ModelKeys => ["version", "baseUrl", "auth", "files"];

    public SourceSettings? ReadSettings(MappingReader sync) => null;

    public ISourceResolver Resolver(SourcePass pass) => new ListedSource();

    public ModelSpec ReadModel(MappingReader m, string name, ModelReading reading)
    {
        var version = m.String("version", required: true);
        if (version is not null && !Names.IsVersion(version))
        {
            m.Problems.Add(m.Get("version")!, m.Field("version"),
                $"must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most {Names.MaxVersionLength} characters), got '{version}'");
        }

        var fileRoots = reading.Sync.AllowedFileRoots;
        var baseUrl = ReadBaseUrl(m, fileRoots);
        var tokenFile = ModelFields.ReadAuth(m.Mapping("auth"), "bearerTokenFile", "dockerConfigFile", "only with source: oci://...");
        reading.RefuseOtherKindsKeys(m, this);
        var baseUrlWritten = m.Get("baseUrl") is not null || m.Misspelt("baseUrl") is not null;
        var files = FileSectionReader.Read(m.Require("files"), m.Field("files"), baseUrl, baseUrlWritten, fileRoots, m.Problems);
        m.ReportUnknownKeys();
        return new ModelSpec { Name = name, Version = version ?? "", Source = new ListedSpec(baseUrl, tokenFile), Files = files };
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
}

internal static class ListedSourceRegistration
{
    /// <summary>Models that list their files in the manifest (http, https, file).</summary>
    public static IServiceCollection AddListedSource(this IServiceCollection services) =>
        services.AddSingleton<ISourceKind, ListedKind>();
}

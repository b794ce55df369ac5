using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Sources.S3;

/// <summary><c>source: s3://…</c> (docs/sources.md, "S3"): include/exclude, <c>digests</c>, <c>verify: size</c>, and
/// <c>sync.s3</c>; the clients and the HEAD answers are the container's (<see cref="S3Clients"/>, <see cref="S3Heads"/>).</summary>
internal sealed class S3Kind(S3Clients clients, S3Heads heads) : ISourceKind
{
    public IReadOnlyList<string> Schemes => [S3Reference.Scheme];

    public IReadOnlyList<string> ModelKeys => ["verify", "include", "exclude", "digests"];

    public ISourceResolver Resolver(SourcePass pass) => new S3Source(clients, heads, pass.Sync, pass.Time, pass.Logger);

    public SourceSettings? ReadSettings(MappingReader sync) => S3Section.ReadSettings(sync.Mapping("s3"));

    public ModelSpec ReadModel(MappingReader m, string name, ModelReading reading) => S3Section.ReadModel(m, name);
}

internal static class S3SourceRegistration
{
    /// <summary><c>s3://</c> sources, with the container's S3 clients (one per endpoint setting) and HEAD answers.</summary>
    public static IServiceCollection AddS3Source(this IServiceCollection services) => services
        .AddSingleton<S3Clients>()
        .AddSingleton<S3Heads>()
        .AddSingleton<ISourceKind, S3Kind>();
}

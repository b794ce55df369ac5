using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources.Hub;
using ModelSync.Daemon.Sources.Listed;
using ModelSync.Daemon.Sources.Oci;
using ModelSync.Daemon.Sources.S3;

namespace ModelSync.Daemon.Sources;

/// <summary>
/// The registered source kinds, in registration order: what the manifest loader reads (<see cref="ISourceSyntax"/>)
/// and what each pass resolves with (<see cref="Registry"/>).
/// </summary>
internal sealed class SourceKinds(IEnumerable<ISourceKind> kinds)
{
    public IReadOnlyList<ISourceKind> All { get; } = [.. kinds];

    /// <summary>The manifest side of every kind, for <see cref="ManifestLoader"/>.</summary>
    public IReadOnlyList<ISourceSyntax> Syntax => All;

    /// <summary>The resolvers of one pass.</summary>
    public SourceRegistry Registry(SourcePass pass) => new([.. All.Select(k => k.Resolver(pass))]);

    /// <summary>The daemon's kinds, for a verb that reads a manifest without the host: the same registration as
    /// the host's (<see cref="SourceRegistration.AddSources"/>), in a container of their own.</summary>
    public static SourceKinds Create() =>
        new ServiceCollection().AddSources().BuildServiceProvider().GetRequiredService<SourceKinds>();
}

internal static class SourceRegistration
{
    /// <summary>Every source kind of the daemon, then the <see cref="SourceKinds"/> built from what is registered.
    /// A new kind is one more line here. Order matters: the first kind with schemes also reads an unknown
    /// <c>source:</c>, and "expected one of" lists keys in this order.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services) => services
        .AddHubSource()
        .AddOciSource()
        .AddS3Source()
        .AddListedSource()
        .AddSourceKinds();

    /// <summary>The <see cref="SourceKinds"/> of every <see cref="ISourceKind"/> registered.</summary>
    public static IServiceCollection AddSourceKinds(this IServiceCollection services) =>
        services.AddSingleton(sp => new SourceKinds(sp.GetServices<ISourceKind>()));
}

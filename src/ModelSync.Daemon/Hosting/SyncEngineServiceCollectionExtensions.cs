using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.HubView;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Sources;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Hosting;

internal static class SyncEngineServiceCollectionExtensions
{
    /// <summary>
    /// The sync engine for one store: the source kinds (<see cref="SourceRegistration.AddSources"/>), one HTTP client, the node's bandwidth bucket, and two factories
    /// instead of an inventory singleton: the inventory is read from disk, which is only right once the
    /// caller holds the store lock, so the lock holder (or the one-shot verb holding it) calls them.
    /// </summary>
    /// <param name="mode">The writer's mode the inventory records (<c>run</c>, <c>sync</c>).</param>
    public static IServiceCollection AddSyncEngine(this IServiceCollection services, ModelManifest manifest, string? node, string mode = "run")
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSources();
        services.AddSingleton(new StoreLayout(manifest.Store.Root));
        services.AddSingleton(_ => new HttpSource(DownloadHttpClient.Create(manifest.Sync)));
        services.AddSingleton(_ => new BandwidthLimiter(manifest.Sync.BandwidthLimit));
        services.TryAddSingleton(Random.Shared);
        services.TryAddSingleton(_ => new MarkerCache()); // outlives passes: an unchanged model's marker is read once per daemon
        services.AddSingleton(sp => HubViewWriter.Following(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<MarkerCache>())); // hub/ follows the store
        services.AddSingleton<Func<ModelLifecycle>>(sp => () => ModelLifecycle.Open(
            sp.GetRequiredService<StoreLayout>(), node, mode, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetService<ISyncObserver>()));
        services.AddSingleton(sp => new PassFactory(
            sp.GetRequiredService<HttpSource>(),
            sp.GetRequiredService<BandwidthLimiter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SourceKinds>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<Random>(),
            sp.GetService<ISyncObserver>()));
        services.AddSingleton<GarbageCollector>(); // run mode after each pass; sync when a download lacked room
        services.AddSingleton<Func<ModelLifecycle, Reconciler>>(sp => lifecycle => new Reconciler(
            lifecycle,
            sp.GetRequiredService<PassFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Reconciler>>(),
            sp.GetRequiredService<StoreChanges>(),
            sp.GetRequiredService<MarkerCache>()));
        return services;
    }
}

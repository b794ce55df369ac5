using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Hosting;

internal static class SyncEngineServiceCollectionExtensions
{
    /// <summary>The sync engine for one store: inventory, one HTTP client, the node's bandwidth bucket, the reconciler.</summary>
    public static IServiceCollection AddSyncEngine(this IServiceCollection services, ModelManifest manifest, string? node)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new StoreLayout(manifest.Store.Root));
        services.AddSingleton(sp => new InventoryState(
            sp.GetRequiredService<StoreLayout>(), node, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InventoryState>>()));
        services.AddSingleton(_ => new HttpSource(DownloadHttpClient.Create(manifest.Sync)));
        services.AddSingleton(_ => new BandwidthLimiter(manifest.Sync.BandwidthLimit));
        services.AddSingleton<Reconciler>();
        return services;
    }
}

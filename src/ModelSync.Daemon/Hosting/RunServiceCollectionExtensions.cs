using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Http;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Hosting;

/// <summary>The parts of run mode on top of <see cref="SyncEngineServiceCollectionExtensions.AddSyncEngine"/>.</summary>
internal static class RunServiceCollectionExtensions
{
    /// <summary>The store lock (waited for), the loop that reconciles and GCs, what it reports to, and the idle memory trim.</summary>
    public static IServiceCollection AddReconcileLoop(this IServiceCollection services, StoreLayout layout)
    {
        services.AddSingleton(sp => new StoreLockHolder(
            layout, sp.GetRequiredService<Func<ModelLifecycle>>(), sp.GetRequiredService<StoreChanges>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StoreLockHolder>>()));
        services.AddSingleton<ReconcileTrigger>();
        services.AddSingleton<ReconcileStatus>();
        services.AddSingleton<DaemonExit>();
        services.AddSingleton<StoreWork>();
        services.AddHostedService<ReconcileLoop>();
        services.AddHostedService(sp => new IdleTrim(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<IdleTrim>>(), () => sp.GetRequiredService<ReconcileStatus>().View().InProgress));
        return services;
    }

    /// <summary>The manifest in force, and the watcher that replaces it when the file changes.</summary>
    public static IServiceCollection AddManifestWatcher(this IServiceCollection services, string path, ModelManifest startup)
    {
        services.AddSingleton(sp => new ManifestInForce(startup, sp.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton(sp => new ManifestReloader(
            path, sp.GetRequiredService<ManifestInForce>(), sp.GetRequiredService<SourceKinds>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ManifestReloader>>()));
        services.AddSingleton<ManifestWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ManifestWatcher>());
        return services;
    }

    /// <summary>Prometheus metrics (fed by the engine through <see cref="RunObserver"/>), live rates, disk use, and the view the endpoints read.</summary>
    public static IServiceCollection AddStoreMetrics(this IServiceCollection services)
    {
        services.AddSingleton<LiveRates>();
        services.AddSingleton(sp =>
        {
            var usage = new StoreUsage(sp.GetRequiredService<TimeProvider>());
            sp.GetRequiredService<StoreChanges>().Subscribe(_ => usage.Invalidate());
            return usage;
        });
        services.AddSingleton<VersionsSnapshot>();
        services.AddSingleton<DaemonMetrics>();
        services.AddSingleton<ISyncObserver, RunObserver>();
        services.AddSingleton<IDaemonView, DaemonView>();
        return services;
    }

    /// <summary>Live verify/gc/retry for the verbs, on a unix socket in the store's state dir (<see cref="ControlChannel"/>).</summary>
    public static IServiceCollection AddControlChannel(this IServiceCollection services)
    {
        services.AddSingleton<ILiveOperations, LiveOperations>();
        if (!OperatingSystem.IsWindows())
        {
            services.AddHostedService<ControlChannel>();
        }

        return services;
    }

    /// <summary>The scheduled scrub (<c>sync.verifyInterval</c>), reading at most <paramref name="bytesPerSecond"/>.</summary>
    public static IServiceCollection AddScrub(this IServiceCollection services, long bytesPerSecond)
    {
        services.AddSingleton(new ScrubOptions(bytesPerSecond));
        services.AddHostedService<ScrubService>();
        return services;
    }
}

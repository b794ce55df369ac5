using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Content;

namespace ModelSync.Daemon.Requests;

internal static class RequestServiceCollectionExtensions
{
    /// <summary>Run mode: the request socket on which pods ask for on-demand models (<see cref="RequestChannel"/>).</summary>
    public static IServiceCollection AddRequestChannel(this IServiceCollection services)
    {
        services.AddSingleton<OnDemandMetrics>();
        services.AddSingleton<RequestDesk>();
        services.AddSingleton(sp =>
        {
            var watch = new ModelReadyWatch();
            sp.GetRequiredService<StoreChanges>().Subscribe(_ => watch.Pulse());
            return watch;
        });
        if (!OperatingSystem.IsWindows())
        {
            services.AddHostedService<RequestChannel>();
        }

        return services;
    }
}

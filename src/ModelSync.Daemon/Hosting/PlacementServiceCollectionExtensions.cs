using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Kubernetes;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;

namespace ModelSync.Daemon.Hosting;

internal static class PlacementServiceCollectionExtensions
{
    /// <summary>Placement for <c>run</c> and <c>sync</c>: the node's name as the operator gave it (null when neither
    /// <c>--node</c> nor <c>MODELSYNC_NODE</c> did: never the host name), and the node's labels behind it.</summary>
    public static IServiceCollection AddPlacement(this IServiceCollection services, string? node)
    {
        if (node is not null)
        {
            services.AddSingleton(_ => new KubernetesNodeApi(node));
            services.AddSingleton<NodeLabels>();
        }

        services.AddSingleton<OnDemandBook>();
        services.AddSingleton(sp => new NodePlacement(
            node, sp.GetService<NodeLabels>(), sp.GetRequiredService<OnDemandBook>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NodePlacement>>()));
        return services;
    }

    /// <summary>Run mode: the labels read again every 30 s while a placement needs them (<see cref="NodeLabelRefresh"/>).</summary>
    public static IServiceCollection AddNodeLabelRefresh(this IServiceCollection services, string? node)
    {
        if (node is not null)
        {
            services.AddHostedService<NodeLabelRefresh>();
        }

        return services;
    }

    /// <summary>Why <c>run</c>/<c>sync</c> refuse to start: a placement needs the node's name and none was given.</summary>
    public static string? NodeNameProblem(ModelManifest manifest, string? node)
    {
        // onDemand alone needs no name: it places by what pods on this node ask for.
        if (node is not null || manifest.Models.FirstOrDefault(m => m.Placement is { } p && (p.Nodes.Count > 0 || p.Selector is not null || p.LabelNode)) is not { } model)
        {
            return null;
        }

        return $"{manifest.SourcePath}: models[{manifest.Models.ToList().IndexOf(model)}].placement ('{model.Name}') needs the node's name: set --node or MODELSYNC_NODE (the DaemonSet sets it from spec.nodeName); the host name is never taken instead";
    }
}

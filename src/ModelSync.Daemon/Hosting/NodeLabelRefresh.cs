using Microsoft.Extensions.Hosting;
using ModelSync.Daemon.Kubernetes;
using ModelSync.Daemon.Placement;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Run mode: reads the node's labels every <see cref="KubernetesDefaults.LabelRefresh"/> while some model's placement
/// needs them (the client has no watch), and asks for a pass at once when they would place a model otherwise, so a
/// label change moves models within a minute, without a restart. A manifest without such a placement asks nothing.
/// </summary>
internal sealed class NodeLabelRefresh(NodePlacement placement, NodeLabels labels, ManifestInForce manifests, ReconcileTrigger trigger, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(KubernetesDefaults.LabelRefresh, time, stoppingToken);
                var manifest = manifests.Current;
                if (!manifest.Models.Any(m => m.Placement?.NeedsLabels == true))
                {
                    continue;
                }

                var read = await labels.ReadAsync(KubernetesDefaults.LabelRefresh / 2, stoppingToken);
                if (placement.Changes(manifest, read))
                {
                    // As a manifest change: the pass in progress stops at a resumable point and starts over.
                    trigger.Request(interruptCurrent: true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

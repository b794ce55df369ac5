using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Hub;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Sync;

internal sealed partial class ModelSyncer
{
    /// <summary>Placeholder version of a hub model that failed before its revision resolved.</summary>
    public const string Unresolved = "unresolved";

    /// <summary>
    /// Asks the hub which commit the revision means now, with the same retries as a download. When the hub
    /// cannot answer and <c>current</c> already holds a version resolved from this very reference, that
    /// version stays Ready: a hub outage must not take a working node's models away.
    /// </summary>
    private async Task<(ModelSpec? Resolved, bool KeptReady)> ResolveHubAsync(ModelSpec model, CancellationToken ct)
    {
        var source = model.Hub!.ToString();
        try
        {
            var token = HubToken.Find(model.BearerTokenFile);
            var resolver = new HubResolver(new HubClient(http, HubDefaults.EndpointFor(manifest.Sync), manifest.Sync.StallTimeout, time));
            var pipeline = RetryPipelineFactory.Create(manifest.Sync.Retry, time, args =>
            {
                var error = args.Outcome.Exception as DownloadException;
                Log.HubRetrying(logger, model.Name, source, args.AttemptNumber + 1, error?.Reason.ToString() ?? "Unknown", error?.Message ?? "", args.RetryDelay);
                return ValueTask.CompletedTask;
            });
            var resolved = await pipeline.ExecuteAsync(async c => await resolver.ResolveAsync(model, token, c), ct);
            Log.HubResolved(logger, model.Name, source, resolved.Version, resolved.Files.Count, resolved.TotalBytes);
            return (resolved, false);
        }
        catch (DownloadException ex)
        {
            if (KeptFromSameSource(model, source) is { } kept)
            {
                Log.HubUnreachableKeeping(logger, model.Name, source, ex.Reason.ToString(), ex.Message, kept.Version);
                var known = inventory.Find(model.Name);
                if (known is not { State: ModelState.Ready } || known.Version != kept.Version)
                {
                    inventory.Set(ReadyEntry(model with { Version = kept.Version }, kept, verifiedAt: null));
                }

                return (null, true);
            }

            var version = Names.IsVersion(model.Hub.Revision) ? model.Hub.Revision : Unresolved;
            Fail(model with { Version = version }, FindPrevious(model), ex.Reason, ex.Message, attempts: null);
            return (null, false);
        }
    }

    private ModelMarker? KeptFromSameSource(ModelSpec model, string source)
    {
        var current = CurrentLink.Read(layout, model.Name);
        var marker = current is null ? null : MarkerFile.TryRead(layout.VersionDir(model.Name, current));
        return marker is not null && marker.Source == source && marker.Name == model.Name && marker.Version == current ? marker : null;
    }
}

using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Hub;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Sync;

internal sealed partial class ModelSyncer
{
    /// <summary>Placeholder version of a hub model that failed before its revision resolved.</summary>
    public const string Unresolved = "unresolved";

    /// <summary>
    /// Asks the hub which commit the revision means now, with the same retries as a download. When the hub
    /// cannot be reached (a transient failure, after the retries) and <c>current</c> holds a version resolved
    /// from this very source, that version stays Ready: a hub outage must not take a working node's models
    /// away. A definite answer (401/403, not found, an unusable listing) fails the model as usual; the
    /// version <c>current</c> points to stays usable as <c>previous</c>.
    /// </summary>
    private async Task<(ModelSpec? Resolved, bool KeptReady)> ResolveHubAsync(ModelSpec model, CancellationToken ct)
    {
        var hub = model.Hub!;
        try
        {
            var endpoint = HubDefaults.EndpointFor(manifest.Sync);
            var token = HubToken.Find(model.BearerTokenFile, endpoint);
            var resolver = new HubResolver(new HubClient(http, endpoint, manifest.Sync.StallTimeout, time));
            var pipeline = RetryPipelineFactory.Create(manifest.Sync.Retry, time, args =>
            {
                var error = args.Outcome.Exception as DownloadException;
                Log.HubRetrying(logger, model.Name, hub.ToString(), args.AttemptNumber + 1, error?.Reason.ToString() ?? "Unknown", error?.Message ?? "", args.RetryDelay);
                return ValueTask.CompletedTask;
            });
            var resolved = await pipeline.ExecuteAsync(async c => await resolver.ResolveAsync(model, token, c), ct);
            Log.HubResolved(logger, model.Name, hub.ToString(), resolved.Version, resolved.Files.Count, resolved.TotalBytes);
            return (resolved, false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Whatever the hub's answers make go wrong fails this model, never the pass.
            var error = ex as DownloadException ?? new DownloadException(FailureReason.SourceInvalid, $"resolving {hub}: {ex.Message}", transient: false, inner: ex);
            if (error.Transient && KeptFromSameSource(model) is { } kept)
            {
                Log.HubUnreachableKeeping(logger, model.Name, hub.ToString(), error.Reason.ToString(), error.Message, kept.Version);
                var known = inventory.Find(model.Name);
                if (known is not { State: ModelState.Ready } || known.Version != kept.Version)
                {
                    inventory.Set(ReadyEntry(model with { Version = kept.Version }, kept, verifiedAt: null));
                }

                return (null, true);
            }

            Fail(model with { Version = FailedVersion(model) }, FindPrevious(model), error.Reason, error.Message, attempts: null);
            return (null, false);
        }
    }

    /// <summary>The commit this source was last being synced at, so GC keeps its staging for a resume;
    /// else the revision as written (or a placeholder when that is no valid version name).</summary>
    private string FailedVersion(ModelSpec model)
    {
        var known = inventory.Find(model.Name);
        if (known is not null && known.Source == model.Hub!.Key && known.Version.Length == 40 && known.Version.All(char.IsAsciiHexDigitLower))
        {
            return known.Version;
        }

        var revision = model.Hub!.Revision;
        return Names.IsVersion(revision) ? revision : Unresolved;
    }

    private ModelMarker? KeptFromSameSource(ModelSpec model) =>
        Current(model.Name) is { } current && current.Marker.Source == model.Hub!.Key
            && current.Marker.Name == model.Name && current.Marker.Version == current.Version
            ? current.Marker
            : null;
}

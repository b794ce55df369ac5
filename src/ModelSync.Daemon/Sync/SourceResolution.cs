using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Sync;

/// <summary>What resolving a model gave: the model to sync, or nothing (then <see cref="KeptReady"/> says
/// whether a version from the same source stays Ready, or the model was recorded as failed).</summary>
internal sealed record Resolution(ResolvedModel? Model, bool KeptReady);

/// <summary>
/// Asks a model's source which version and files it means now, with the same retries as a download. When the
/// source cannot be reached (a transient failure, after the retries) and <c>current</c> holds a version resolved
/// from this very source, that version stays Ready: an outage must not take a working node's models away. A
/// definite answer (401/403, not found, an unusable listing) fails the model; <c>current</c> stays usable as <c>previous</c>.
/// </summary>
internal sealed class SourceResolution(PassStore store, SyncSettings sync, SourceRegistry sources, ModelLifecycle lifecycle, FailurePolicy policy, TimeProvider time, ILogger logger)
{
    public async Task<Resolution> ResolveAsync(ModelSpec model, CancellationToken ct)
    {
        var source = sources.For(model);
        var key = source.SourceKey(model);
        try
        {
            var pipeline = RetryPipelineFactory.Create(sync.Retry, time, args =>
            {
                var error = args.Outcome.Exception as DownloadException;
                Log.SourceRetrying(logger, model.Name, key ?? model.Wanted, args.AttemptNumber + 1, error?.Reason.ToString() ?? "Unknown", error?.Message ?? "", args.RetryDelay);
                return ValueTask.CompletedTask;
            });
            var resolved = await pipeline.ExecuteAsync(async c => await source.ResolveAsync(model, c), ct);
            if (key is not null)
            {
                Log.SourceResolved(logger, model.Name, model.Wanted, resolved.Version, resolved.Files.Count, resolved.TotalBytes);
            }

            return new Resolution(resolved, false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Whatever the source's answers make go wrong fails this model, never the pass.
            var error = ex as DownloadException ?? new DownloadException(FailureReason.SourceInvalid, $"resolving {model.Wanted}: {ex.Message}", transient: false, inner: ex);
            if (error.Transient && key is not null && StoreReads.Current(store, model.Name) is { Source: { } kept } marker && kept == key)
            {
                Log.SourceUnreachableKeeping(logger, model.Name, model.Wanted, error.Reason.ToString(), error.Message, marker.Version);
                lifecycle.KeptReady(marker);

                return new Resolution(null, true);
            }

            var version = FailedVersion(model, key, source);
            await lifecycle.FailedAsync(new FailedPass(model, version, key, 0, StoreReads.Previous(store, model.Name), error), policy, ct);
            return new Resolution(null, false);
        }
    }

    /// <summary>The version this source was last being synced at, so GC keeps its staging for a resume; else
    /// what the source names before resolution.</summary>
    private string FailedVersion(ModelSpec model, string? key, ISourceResolver source) =>
        lifecycle.Find(model.Name) is { } known && key is not null && known.Source == key && Store.Validation.Names.IsVersion(known.Version)
            ? known.Version
            : source.UnresolvedVersion(model);
}

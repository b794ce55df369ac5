using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Signatures;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>Brings one model of the manifest to <c>Ready</c>: resolve it through its source; nothing more
/// if that version is already published and matches; else <see cref="ModelDownload"/> (reuse or fetch,
/// verify, publish, switch <c>current</c>). The engine knows no source kind. The <see cref="FailurePolicy"/>
/// decides first whether a model that failed before is attempted this pass at all.</summary>
internal sealed class ModelSyncer(SyncEngine engine, SourceResolution resolution, CapacityGuard capacity, FailurePolicy policy)
{
    private readonly ILogger _logger = engine.Loggers.CreateLogger<ModelSyncer>();

    /// <summary>The pass's capacity guard: what the refused downloads lacked.</summary>
    public CapacityGuard Capacity => capacity;

    public async Task<bool> SyncAsync(ModelSpec spec, CancellationToken ct)
    {
        var gate = policy.Before(spec);
        if (gate == FailureGate.Skip)
        {
            return false;
        }

        var (resolved, keptReady) = await resolution.ResolveAsync(spec, ct);
        if (resolved is not { } model)
        {
            return keptReady;
        }

        var layout = engine.Layout;
        ModelDownload? download = null;
        try
        {
            var listing = model;
            if (spec.Signature is { } signature)
            {
                model = SignedModel.WithoutUnsigned(model, signature, MarkerFile.TryReadFor(layout.VersionDir(model.Name, model.Version), model.Name, model.Version));
            }

            // A version published before its signature was asked for is verified again (its files reused).
            var published = StoreReads.Published(engine.Store, model);
            if (published is not null && (spec.Signature is null || published.Signature is not null))
            {
                KeepReady(model, published);
                return true;
            }

            if (gate == FailureGate.AskSource && !await policy.SourceChangedAsync(model, ct))
            {
                return false;
            }

            // Same content being signed now is no change under a pinned pod; other content is.
            if (published is null && PinnedChange.Check(layout, model) is { } pinned)
            {
                throw pinned;
            }

            var signed = spec.Signature is null ? null
                : await SignedModel.OpenAsync(new BundleFetch(engine.Http, engine.Sync.AllowedFileRoots), spec, listing, engine.Time.GetUtcNow(), ct);
            model = signed?.Select(model, listing) ?? model;
            download = new ModelDownload(engine, model) { Signed = signed };
            await download.RunAsync(capacity, StoreReads.Previous(engine.Store, model.Name), ct);
            return true;
        }
        catch (Exception ex) when (DiskFull.AsCapacityFailure(ex, layout, model.Name, model.Version) is { } full && !ct.IsCancellationRequested)
        {
            // Not a bug: said in one line, the staging kept for when there is room again.
            await FailAsync(spec, model, full, download, ct);
            return false;
        }
        catch (DownloadException ex)
        {
            await FailAsync(spec, model, ex, download, ct);
            return false;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Disk trouble or a bug: this model fails and says why; the other models and the loop go on.
            Log.ModelCrashed(_logger, ex, model.Name, model.Version);
            await FailAsync(spec, model, new DownloadException(FailureReason.StorageError, ex.Message, transient: false), download, ct);
            return false;
        }
    }

    private void KeepReady(ResolvedModel model, ModelMarker published)
    {
        var layout = engine.Layout;
        if (CurrentLink.Read(layout, model.Name) != model.Version)
        {
            CurrentLink.Switch(layout, model.Name, model.Version);
            engine.Store.Changed(model.Name);
        }

        engine.Lifecycle.KeptReady(published);
        Log.ModelUpToDate(_logger, model.Name, model.Version);
    }

    private async Task FailAsync(ModelSpec spec, ResolvedModel model, DownloadException error, ModelDownload? download, CancellationToken ct) =>
        // Previous read now: the download may have condemned the version current pointed to (a damaged copy found on reuse).
        await engine.Lifecycle.FailedAsync(
            new FailedPass(spec, model.Version, model.Source, model.TotalBytes, StoreReads.Previous(engine.Store, model.Name), error,
                model.Files.FirstOrDefault(f => f.Spec.Path == error.File), download?.BytesReceived ?? 0),
            policy, ct);
}

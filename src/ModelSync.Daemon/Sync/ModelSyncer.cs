using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Hub;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using Polly;

namespace ModelSync.Daemon.Sync;

/// <summary>Brings one model of the manifest to <c>Ready</c>: nothing if its version is already
/// published and matches; else download into staging, verify, publish, switch <c>current</c>.</summary>
internal sealed partial class ModelSyncer(
    StoreLayout layout,
    ModelManifest manifest,
    CapacityGuard capacity,
    InventoryState inventory,
    HttpSource http,
    BandwidthLimiter limiter,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Files of one model fetched at once; large files are also split into ranges.</summary>
    public const int FilesInFlight = 4;

    /// <summary>Metrics hook (run mode); the one-shot verbs leave it silent.</summary>
    public ISyncObserver Observer { get; init; } = NullSyncObserver.Instance;

    public async Task<bool> SyncAsync(ModelSpec model, CancellationToken ct)
    {
        if (model.Hub is not null)
        {
            var (resolved, keptReady) = await ResolveHubAsync(model, ct);
            if (resolved is null)
            {
                return keptReady;
            }

            model = resolved;
        }

        var previous = FindPrevious(model);
        try
        {
            if (Publisher.FindPublished(layout, model) is { } published)
            {
                if (CurrentLink.Read(layout, model.Name) != model.Version)
                {
                    CurrentLink.Switch(layout, model.Name, model.Version);
                }

                // Already recorded as Ready: no rewrite (an fsynced write per model per pass adds up).
                var known = inventory.Find(model.Name);
                if (known is not { State: ModelState.Ready, Error: null, Previous: null, Progress: null } || known.Version != model.Version
                    || known.Path != StoreLayout.VersionRelativePath(model.Name, model.Version) || known.ReadyAt != published.PublishedAt)
                {
                    inventory.Set(ReadyEntry(model, published, known?.Version == model.Version ? known.VerifiedAt : null));
                }

                Log.ModelUpToDate(logger, model.Name, model.Version);
                return true;
            }

            return await DownloadAsync(model, previous, ct);
        }
        catch (DownloadException ex)
        {
            Fail(model, previous, ex.Reason, ex.Message + DiskFull.FreeStagingIfCaused(ex, layout, model.Name, model.Version), attempts: null);
            return false;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Disk trouble or a bug: this model fails and says why; the other models and the loop go on.
            Log.ModelCrashed(logger, ex, model.Name, model.Version);
            Fail(model, previous, FailureReason.StorageError, ex.Message + DiskFull.FreeStagingIfCaused(ex, layout, model.Name, model.Version), attempts: null);
            return false;
        }
    }

    private async Task<bool> DownloadAsync(ModelSpec model, PreviousVersion? previous, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        inventory.Set(new ModelEntry { Name = model.Name, Version = model.Version, Source = model.Hub?.Key, State = ModelState.Pending, Bytes = model.TotalBytes, Previous = previous });
        using var reservation = capacity.TryReserve(model, out var noRoom)
            ?? throw new DownloadException(FailureReason.InsufficientCapacity, noRoom!, transient: false);

        var token = model.Hub is null ? ReadToken(model) : HubToken.Find(model.BearerTokenFile, model.BaseUrl!);
        var staging = layout.StagingDir(model.Name, model.Version);
        var resumeDir = staging + ".resume";
        foreach (var dir in (string[])[staging, resumeDir])
        {
            // Downloads are written below here: no link planted on the way may take them out of the store.
            if (SafePath.Resolve(layout.Root, Path.GetRelativePath(layout.Root, dir), out var problem) is null)
            {
                throw new DownloadException(FailureReason.StorageError, $"staging {Path.GetRelativePath(layout.Root, dir)}: {problem}; remove it to download", transient: false);
            }
        }

        Directory.CreateDirectory(staging);
        Directory.CreateDirectory(resumeDir);
        Log.ModelDownloading(logger, model.Name, model.Version, model.Files.Count, model.TotalBytes);

        var progress = new ModelProgressTracker(inventory, model);
        var transfers = model.Files.Select(f => OpenTransfer(model, f, staging, resumeDir, token, progress)).ToList();
        inventory.Update(model.Name, e => e with { State = ModelState.Downloading, Progress = new ModelProgress(progress.Done, model.TotalBytes) });

        var attempts = new AttemptCounter();
        await Parallel.ForEachAsync(
            transfers,
            new ParallelOptions { MaxDegreeOfParallelism = FilesInFlight, CancellationToken = ct },
            async (t, token) =>
            {
                var pipeline = RetryPipelineFactory.Create(manifest.Sync.Retry, time, args => OnRetry(model, t.Spec, args, attempts));
                await pipeline.ExecuteAsync(async c => await t.Transfer.RunAttemptAsync(c), token);
            });

        var files = transfers.Select(t => new FileEntry { Path = t.Spec.Path, Size = t.Spec.Size, Sha256 = t.Transfer.Result!.Sha256, Xxh128 = t.Transfer.Result.Xxh128 }).ToList();
        var marker = Publisher.Publish(layout, model, files, time.GetUtcNow());
        Directory.Delete(resumeDir, recursive: true);
        inventory.Set(ReadyEntry(model, marker, verifiedAt: marker.PublishedAt));
        Log.ModelPublished(logger, model.Name, model.Version, model.TotalBytes, time.GetElapsedTime(started));
        Observer.ModelDownloaded(model.Name, model.TotalBytes, time.GetElapsedTime(started));
        return true;
    }

    private (FileSpec Spec, FileTransfer Transfer) OpenTransfer(ModelSpec model, FileSpec file, string staging, string resumeDir, string? token, ModelProgressTracker progress)
    {
        var target = Path.Combine(staging, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var statePath = Path.Combine(resumeDir, ResumeState.FileNameFor(file.Path));
        // The token belongs to the model's baseUrl origin: a file whose own url points elsewhere (a mirror,
        // a CDN) never gets it. Without a baseUrl every url was written next to the auth, so each may carry it.
        var fileToken = model.BaseUrl is null || HttpSource.MayCarryToken(model.BaseUrl, file.Url) ? token : null;
        var job = new FileJob(file, target, statePath, fileToken, manifest.Sync.StallTimeout, manifest.Sync.SegmentSize, manifest.Sync.SegmentsPerFile, manifest.Sync.AllowedFileRoots);
        var transfer = FileTransfer.Open(job, http, limiter, time, bytes =>
        {
            progress.Add(bytes);
            if (bytes > 0)
            {
                Observer.BytesReceived(model.Name, bytes);
            }
        });
        progress.Add(transfer.BytesDone);
        if (transfer.BytesResumedFrom > 0)
        {
            Log.FileResuming(logger, model.Name, file.Path, transfer.BytesResumedFrom, file.Size);
        }

        return (file, transfer);
    }

    private ValueTask OnRetry(ModelSpec model, FileSpec file, Polly.Retry.OnRetryArguments<object> args, AttemptCounter attempts)
    {
        var error = args.Outcome.Exception as DownloadException;
        var count = attempts.Next();
        Observer.Retrying(model.Name, error?.Reason.ToString() ?? "Unknown");
        Log.FileRetrying(logger, model.Name, file.Path, args.AttemptNumber + 1, error?.Reason.ToString() ?? "Unknown", error?.Message ?? "", args.RetryDelay);
        inventory.Update(model.Name, e => e with
        {
            Error = new ModelError
            {
                Reason = error?.Reason.ToString() ?? "Unknown",
                Message = error?.Message ?? "",
                Attempts = count,
                NextRetryAt = time.GetUtcNow() + args.RetryDelay,
            },
        });
        return ValueTask.CompletedTask;
    }

    private void Fail(ModelSpec model, PreviousVersion? previous, FailureReason reason, string message, int? attempts)
    {
        Log.ModelFailed(logger, model.Name, model.Version, reason.ToString(), message);
        var known = inventory.Find(model.Name);
        inventory.Set(new ModelEntry
        {
            Name = model.Name,
            Version = model.Version,
            Source = model.Hub?.Key,
            State = ModelState.Failed,
            Bytes = model.TotalBytes,
            Progress = known?.Progress,
            Previous = previous,
            Error = new ModelError { Reason = reason.ToString(), Message = message, Attempts = attempts ?? (known?.Error?.Attempts ?? 0) + 1 },
        });
    }

    private static string? ReadToken(ModelSpec model)
    {
        if (model.BearerTokenFile is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(model.BearerTokenFile).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DownloadException(FailureReason.Unauthorized, $"cannot read auth.bearerTokenFile {model.BearerTokenFile}: {ex.Message}", transient: false);
        }
    }
}

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using Polly.Retry;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// One file fetched from its source into staging through the retry pipeline; opened when the model starts,
/// so bytes a crash left staged count in its progress at once. A failure names the file and its URL.
/// </summary>
internal sealed class FileFetch
{
    private readonly SyncEngine _engine;
    private readonly ResolvedModel _model;
    private readonly ResolvedFile _file;
    private readonly FileTransfer _transfer;
    private readonly ILogger _logger;
    private int _mismatches;

    public FileFetch(SyncEngine engine, ResolvedModel model, ResolvedFile file, string target, string resumeDir, ModelProgressTracker progress)
    {
        (_engine, _model, _file) = (engine, model, file);
        _logger = engine.Loggers.CreateLogger<FileFetch>();
        // A staged hard link of a published file (a reuse a crash cut short) is never written into:
        // FileTransfer's recovery starts such a file over (ResumeRecord.Recover).
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var sync = engine.Sync;
        var job = new FileJob(file.Spec, target, StatePath(resumeDir, file), file.Credential?.Token, sync.StallTimeout, sync.SegmentSize, sync.SegmentsPerFile, sync.AllowedFileRoots,
            file.Credential?.Presign);
        _transfer = FileTransfer.Open(job, engine.Http, engine.Limiter, engine.Time, bytes =>
        {
            progress.Add(bytes, file.Spec.Path, fetched: true);
            if (bytes > 0)
            {
                progress.AddReceived(bytes);
                engine.Observer.BytesReceived(model.Name, bytes);
            }
        });
        progress.Add(_transfer.BytesDone);
        if (_transfer.BytesResumedFrom > 0)
        {
            Log.FileResuming(_logger, model.Name, file.Spec.Path, _transfer.HashedFrom, file.Spec.Size, _transfer.BytesResumedFrom);
        }
    }

    public static string StatePath(string resumeDir, ResolvedFile file) => Path.Combine(resumeDir, ResumeState.FileNameFor(file.Spec.Path));

    /// <param name="nextAttempt">Counts attempts across the model's files, for the inventory.</param>
    public async Task<FileEntry> RunAsync(Func<int> nextAttempt, CancellationToken ct)
    {
        // A digest or size mismatch is fetched once more at once (corruption on the way), then left to the
        // failure policy: a source serving the same wrong bytes would only be paid for again.
        var pipeline = RetryPipelineFactory.Create(_engine.Sync.Retry, _engine.Time, args => OnRetry(args, nextAttempt()),
            e => !FailureKinds.IsMismatch(e) || Interlocked.Increment(ref _mismatches) <= FailureKinds.MismatchRefetches);
        try
        {
            await pipeline.ExecuteAsync(async c => await _transfer.RunAttemptAsync(c), ct);
        }
        catch (DownloadException ex)
        {
            throw Described(ex);
        }

        var result = _transfer.Result!;
        return _file.Spec.ToEntry(result.Sha256, result.Xxh128);
    }

    private DownloadException Described(DownloadException ex) => ex.About(_file.Spec.Path, _file.From);

    private ValueTask OnRetry(OnRetryArguments<object> args, int attempts)
    {
        var error = args.Outcome.Exception as DownloadException;
        var reason = error?.Reason.ToString() ?? "Unknown";
        _engine.Observer.Retrying(_model.Name, reason);
        Log.FileRetrying(_logger, _model.Name, _file.Spec.Path, args.AttemptNumber + 1, reason, error?.Message ?? "", args.RetryDelay);
        var described = error is null ? "" : Described(error).Message;
        _engine.Lifecycle.RetryScheduled(_model.Name, new ModelError
        {
            Reason = reason,
            Message = described,
            File = _file.Spec.Path,
            Attempts = attempts,
            NextRetryAt = _engine.Time.GetUtcNow() + args.RetryDelay,
        });
        return ValueTask.CompletedTask;
    }
}

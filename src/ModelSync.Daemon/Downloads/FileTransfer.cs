using Microsoft.Win32.SafeHandles;
using ModelSync.Store.Digests;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// Moves one file into staging across any number of attempts. Between attempts it keeps the digest of
/// the bytes already written, so a retry resumes with <c>Range</c> and nothing is read twice; after a
/// restart the prefix on disk is hashed once and the download resumes behind it.
/// </summary>
internal sealed class FileTransfer
{
    private readonly FileJob _job;
    private readonly HttpSource _http;
    private readonly TimeProvider _time;
    private readonly TransferState _state;
    private readonly ResumeRecord _record;
    private readonly StreamCopier _copier;
    private readonly SegmentedFetcher _segments;

    private FileTransfer(FileJob job, HttpSource http, BandwidthLimiter limiter, TimeProvider time, Action<long> onBytes)
    {
        _job = job;
        _http = http;
        _time = time;
        _state = new TransferState(job.Spec, onBytes);
        _record = new ResumeRecord(job, time);
        _copier = new StreamCopier(job, limiter, _state, _record);
        _segments = new SegmentedFetcher(job, http, limiter, time, _state, _record, _copier);
    }

    public DigestResult? Result { get; private set; }

    /// <summary>Bytes on disk that the next attempt will not fetch again.</summary>
    public long BytesDone => Result is null ? _state.BytesKept : _job.Spec.Size;

    /// <summary>Bytes already on disk when the transfer was opened: non-zero means a resume.</summary>
    public long BytesResumedFrom { get; private set; }

    /// <summary>Where the hashed prefix resumes (the pieces ahead of it are kept too).</summary>
    public long HashedFrom => _state.Offset;

    public static FileTransfer Open(FileJob job, HttpSource http, BandwidthLimiter limiter, TimeProvider time, Action<long> onBytes)
    {
        var transfer = new FileTransfer(job, http, limiter, time, onBytes);
        var recovered = transfer._record.Recover();
        transfer.Result = recovered.Complete;
        if (recovered.Complete is null)
        {
            transfer._state.Resume(recovered.Offset, recovered.Validator, recovered.Ahead);
            transfer.BytesResumedFrom = transfer._state.BytesKept;
        }

        return transfer;
    }

    /// <summary>One attempt: continue from <see cref="BytesDone"/> to the end, then verify. Throws
    /// <see cref="DownloadException"/>; transient ones leave the transfer ready for the next attempt.</summary>
    public async Task RunAttemptAsync(CancellationToken ct)
    {
        if (Result is not null)
        {
            return;
        }

        using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var link = ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), stall);
        try
        {
            _record.HashPrefix(_state, ct);
            using var handle = OpenTarget(_job.TargetPath, _job.Spec.Size);
            if (_state.Offset < _job.Spec.Size && _job.UseSegments)
            {
                await _segments.RunAsync(handle, ct);
            }
            else if (_state.Offset < _job.Spec.Size)
            {
                using var body = await OpenBodyAsync(stall, ct);
                await _copier.CopyAsync(body, handle, stall);
            }

            Finish(handle);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DownloadException(FailureReason.Stalled, $"no byte received for {_job.StallTimeout.TotalSeconds:0.#}s", transient: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpIOException)
        {
            throw new DownloadException(FailureReason.SourceUnreachable, ex.Message, transient: true, inner: ex);
        }
        finally
        {
            _state.ApplyPendingReset();
            _state.SettleProgress();
            if (Result is null && File.Exists(_job.TargetPath))
            {
                _record.Persist(_state);
            }
        }
    }

    private async Task<Stream> OpenBodyAsync(CancellationTokenSource stall, CancellationToken ct)
    {
        var url = _job.Spec.Url;
        if (url.IsFile)
        {
            return OpenLocal(url.LocalPath);
        }

        stall.CancelAfter(_job.StallTimeout);
        var response = await _http.GetAsync(await _job.RequestUrlAsync(stall.Token), _state.Offset, _state.Validator, _job.BearerToken, stall.Token);
        try
        {
            _state.Accept(ResponseCheck.ForStream(response, _state.Offset, _job.Spec.Size, _time.GetUtcNow()));
            return await response.Content.ReadAsStreamAsync(ct);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private FileStream OpenLocal(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DownloadException(FailureReason.SourceUnreachable, $"{path}: {ex.Message}", transient: true, inner: ex);
        }

        if (!LocalSource.IsAllowed(stream, _job.FileRoots, out var real))
        {
            stream.Dispose();
            throw new DownloadException(FailureReason.SourceNotAllowed, $"{path} resolves to {real}, outside sync.allowedFileRoots", transient: false);
        }

        if (stream.Length != _job.Spec.Size)
        {
            stream.Dispose();
            _state.Reset();
            throw new DownloadException(FailureReason.SizeMismatch, $"{path} has {stream.Length} bytes, manifest says {_job.Spec.Size}", transient: true);
        }

        stream.Position = _state.Offset;
        return stream;
    }

    /// <summary>fsync once, here, not per write: the digests are checked against bytes known durable.</summary>
    private void Finish(SafeFileHandle handle)
    {
        RandomAccess.FlushToDisk(handle);
        var result = _state.Digest.Finish();
        if ((DigestCheck.Mismatch(_job.Spec, result.Sha256, result.Xxh128, result.GitBlobSha1) ?? _state.SourceHash?.Mismatch()) is { } mismatch)
        {
            handle.Dispose();
            _record.DeletePartial();
            _state.Reset();
            throw new DownloadException(FailureReason.ChecksumMismatch, mismatch, transient: true);
        }

        Result = result;
        _state.ReleaseDigest();
        _record.Persist(_state, complete: result);
    }

    /// <summary>A new file is preallocated (fallocate), so a full disk fails now, not at 90 %.</summary>
    private static SafeFileHandle OpenTarget(string path, long size) => File.Exists(path)
        ? File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)
        : File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, preallocationSize: size);
}

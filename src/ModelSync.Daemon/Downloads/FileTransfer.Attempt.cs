using System.Buffers;
using System.Net;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace ModelSync.Daemon.Downloads;

internal sealed partial class FileTransfer
{
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
            HashPrefixFromDisk(ct);
            using var handle = OpenTarget(_job.TargetPath, _job.Spec.Size);
            if (_offset < _job.Spec.Size && _job.UseSegments)
            {
                await SegmentedAsync(handle, ct);
            }
            else if (_offset < _job.Spec.Size)
            {
                using var body = await OpenBodyAsync(stall, ct);
                await CopyAsync(body, handle, stall);
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
            if (_sourceChanged)
            {
                _sourceChanged = false;
                Restart();
            }

            SettleProgress();
            if (Result is null && File.Exists(_job.TargetPath))
            {
                Persist();
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
        var response = await _http.GetAsync(url, _offset, _validator, _job.BearerToken, stall.Token);
        try
        {
            CheckStatus(response);
            return await response.Content.ReadAsStreamAsync(ct);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private Stream OpenLocal(string path)
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
            Restart();
            throw new DownloadException(FailureReason.SizeMismatch, $"{path} has {stream.Length} bytes, manifest says {_job.Spec.Size}", transient: true);
        }

        stream.Position = _offset;
        return stream;
    }

    private void CheckStatus(HttpResponseMessage response)
    {
        var code = response.StatusCode;
        var size = _job.Spec.Size;
        switch (code)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: { } from } range && from == _offset:
                if (range.Length is { } total && total != size)
                {
                    Restart();
                    throw new DownloadException(FailureReason.SizeMismatch, $"server has {total} bytes, manifest says {size}", transient: true);
                }

                break;
            case HttpStatusCode.PartialContent:
                Restart();
                throw new DownloadException(FailureReason.SourceUnreachable, "server answered with a different range than asked", transient: true);
            case HttpStatusCode.OK:
                if (_offset > 0)
                {
                    // The source changed (If-Range failed) or ignores ranges: the bytes we have are worthless.
                    Restart();
                }

                if (response.Content.Headers.ContentLength is { } length && length != size)
                {
                    throw new DownloadException(FailureReason.SizeMismatch, $"server sends {length} bytes, manifest says {size}", transient: true);
                }

                break;
            default:
                ThrowForStatus(response);
                break;
        }

        _validator = response.Headers.ETag is { IsWeak: false } etag ? etag.Tag
            : response.Content.Headers.LastModified?.ToString("R");
    }

    private void ThrowForStatus(HttpResponseMessage response)
    {
        var code = response.StatusCode;
        switch (code)
        {
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                _sourceChanged = true;
                throw new DownloadException(FailureReason.SizeMismatch, $"server has fewer bytes than the {_job.Spec.Size} in the manifest", transient: true);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw new DownloadException(FailureReason.Unauthorized, $"HTTP {(int)code} {code}: check auth.bearerTokenFile", transient: false);
            default:
                var retryAfter = RetryAfter.From(response, _time.GetUtcNow());
                throw new DownloadException(FailureReason.HttpStatus, $"HTTP {(int)code} {code}", IsTransientStatus(code), retryAfter);
        }
    }

    /// <summary>
    /// One stream: this task receives and writes (what curl does), a second one hashes the same buffers
    /// as they are handed over, so sha256 runs on the other core instead of stalling the socket. Every
    /// buffer written is hashed before this returns, so the digest always covers exactly the bytes on disk.
    /// </summary>
    private async Task CopyAsync(Stream body, SafeFileHandle handle, CancellationTokenSource stall)
    {
        var size = _job.Spec.Size;
        var buffers = Enumerable.Range(0, PipelineDepth + 1).Select(_ => ArrayPool<byte>.Shared.Rent(ChunkSize)).ToArray();
        var free = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var filled = Channel.CreateBounded<(byte[] Buffer, int Count)>(new BoundedChannelOptions(PipelineDepth) { SingleReader = true, SingleWriter = true });
        foreach (var b in buffers)
        {
            free.Writer.TryWrite(b);
        }

        var hasher = Task.Run(async () =>
        {
            await foreach (var (buffer, count) in filled.Reader.ReadAllAsync())
            {
                _digest.Append(buffer.AsSpan(0, count));
                free.Writer.TryWrite(buffer);
            }
        });
        try
        {
            while (_offset < size)
            {
                var buffer = await free.Reader.ReadAsync(stall.Token);
                var read = await ReadAsync(body, buffer, stall);
                if (read == 0)
                {
                    break;
                }

                Write(handle, buffer.AsSpan(0, read), _offset);
                await filled.Writer.WriteAsync((buffer, read), stall.Token);
                _offset += read;
                Report(read);
                if (_offset % WriteBackEvery < read)
                {
                    WriteBack.Start(handle, _offset - WriteBackEvery, WriteBackEvery);
                }

                PersistPeriodically();
            }
        }
        finally
        {
            filled.Writer.TryComplete();
            await hasher;
            foreach (var b in buffers)
            {
                ArrayPool<byte>.Shared.Return(b);
            }
        }

        if (_offset < size)
        {
            throw new DownloadException(FailureReason.SourceUnreachable, $"body ended after {_offset} of {size} bytes", transient: true);
        }
    }

    private async Task<int> ReadAsync(Stream body, byte[] buffer, CancellationTokenSource stall)
    {
        var want = (int)Math.Min(Math.Min(ChunkSize, _limiter.MaxChunk), _job.Spec.Size - _offset);
        var total = 0;
        // Fill up to a chunk on a fast link (fewer hand-offs), but return a quarter chunk as soon as it is
        // there, so progress and the resume record move on a slow one too.
        while (total < Math.Min(want, ChunkSize / 4))
        {
            var read = await ReadOnceAsync(body, buffer.AsMemory(total, want - total), stall);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        // Pay for what arrived, after it arrived: the bucket's debt throttles the next read.
        await _limiter.AcquireAsync(total, stall.Token);
        return total;
    }

    /// <summary>
    /// One read from the source under the stall timer. The timer runs only while the read does: time spent
    /// waiting for the bandwidth bucket or the hasher is not the source's silence.
    /// </summary>
    private async ValueTask<int> ReadOnceAsync(Stream body, Memory<byte> buffer, CancellationTokenSource stall)
    {
        stall.CancelAfter(_job.StallTimeout);
        try
        {
            return await body.ReadAsync(buffer, stall.Token);
        }
        catch (IOException ex)
        {
            // A reset mid-body surfaces as a plain IOException (not HttpIOException): the source's fault, retry.
            throw new DownloadException(FailureReason.SourceUnreachable, ex.Message, transient: true, inner: ex);
        }
        finally
        {
            stall.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Synchronous pwrite: into the page cache it is a memcpy, cheaper than a hop to the thread pool.</summary>
    private static void Write(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        try
        {
            RandomAccess.Write(handle, data, offset);
        }
        catch (IOException ex)
        {
            throw new DownloadException(FailureReason.StorageError, $"write failed: {ex.Message}", transient: false, inner: ex);
        }
    }

    private void Finish(SafeFileHandle handle)
    {
        RandomAccess.FlushToDisk(handle);
        var result = _digest.Finish();
        if (Matches(result.Sha256, result.Xxh128, result.GitBlobSha1) is { } mismatch)
        {
            handle.Dispose();
            DeletePartial();
            Restart();
            throw new DownloadException(FailureReason.ChecksumMismatch, mismatch, transient: true);
        }

        Result = result;
        Persist(complete: true);
    }
}

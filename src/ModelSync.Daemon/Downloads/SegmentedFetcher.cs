using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// Large files over HTTP: <see cref="FileJob.Segments"/> connections fetch consecutive pieces of
/// <see cref="FileJob.SegmentSize"/> bytes into their place in the file, while one hasher follows in
/// order, reading each finished piece back from the page cache it was just written to (never from the
/// network twice). A window keeps the connections at most 2 × Segments pieces ahead of the hasher, which
/// bounds both the re-read to hot cache and what a crash can lose: the resume point is the hashed prefix.
/// </summary>
internal sealed class SegmentedFetcher(FileJob job, HttpSource http, BandwidthLimiter limiter, TimeProvider time, TransferState state, ResumeRecord record, StreamCopier copier)
{
    private readonly PieceFetcher _pieces = new(job, http, limiter, time, state, record);

    private const int HashChunkSize = 4 << 20;

    public async Task RunAsync(SafeFileHandle handle, CancellationToken ct)
    {
        var start = state.Offset;
        var pieceSize = job.SegmentSize;
        var count = (int)((job.Spec.Size - start + pieceSize - 1) / pieceSize);
        (long From, long To) Piece(int k) => (start + (k * pieceSize), Math.Min(job.Spec.Size, start + ((k + 1) * pieceSize)));

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var window = new SemaphoreSlim(Math.Min(count, job.Segments * 2));
        var done = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

        // The first piece doubles as the probe: a 200 means no ranges (or a changed source) and one stream. It asks
        // for what the piece still lacks; for its last byte when a crash left it whole (one byte, not a request less).
        await window.WaitAsync(ct);
        var (firstFrom, firstTo) = Piece(0);
        var probeFrom = Math.Min(state.Ahead.WrittenFrom(firstFrom), firstTo - 1);
        using var stall = new CancellationTokenSource(job.StallTimeout, time);
        using var link = ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), stall);
        var probe = await http.GetAsync(await job.RequestUrlAsync(stall.Token), probeFrom, state.Validator, job.BearerToken, stall.Token, firstTo - 1);
        stall.CancelAfter(Timeout.InfiniteTimeSpan);
        try
        {
            state.Accept(ResponseCheck.ForStream(probe, probeFrom, job.Spec.Size, time.GetUtcNow()));
        }
        catch
        {
            probe.Dispose();
            throw;
        }

        if (probe.StatusCode == HttpStatusCode.OK)
        {
            state.Ahead.Clear(); // one stream rewrites the whole file: nothing ahead is kept from before
            using (probe)
            {
                await copier.CopyAsync(await probe.Content.ReadAsStreamAsync(ct), handle, stall);
            }

            return;
        }

        var next = 0;
        async Task Worker(HttpResponseMessage? first)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(StreamCopier.ChunkSize);
            try
            {
                for (var k = first is null ? -1 : 0; ; k = -1)
                {
                    if (k < 0)
                    {
                        await window.WaitAsync(attempt.Token);
                        k = Interlocked.Increment(ref next);
                        if (k >= count)
                        {
                            return;
                        }
                    }

                    var (from, to) = Piece(k);
                    var start = k == 0 ? probeFrom : state.Ahead.WrittenFrom(from);
                    if (start < to)
                    {
                        await _pieces.FetchAsync(handle, k == 0 ? first! : null, from, start, to, buffer, attempt.Token);
                    }

                    done[k].TrySetResult();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        async Task Hasher()
        {
            await Task.Yield();
            var buffer = ArrayPool<byte>.Shared.Rent(HashChunkSize);
            try
            {
                for (var k = 0; k < count; k++)
                {
                    await done[k].Task.WaitAsync(attempt.Token);
                    var (from, to) = Piece(k);
                    HashPiece(handle, buffer, from, to);
                    state.Offset = to;
                    window.Release();
                    WriteBack.Start(handle, from, to - from);
                    record.PersistPeriodically(state);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        var tasks = new List<Task> { Guard(() => Hasher()), Guard(() => Worker(probe)) };
        tasks.AddRange(Enumerable.Range(1, Math.Min(job.Segments, count) - 1).Select(_ => Guard(() => Worker(null))));
        async Task Guard(Func<Task> body)
        {
            try
            {
                await Task.Run(body, CancellationToken.None);
            }
            catch
            {
                await attempt.CancelAsync();
                throw;
            }
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch when (!ct.IsCancellationRequested)
        {
            // WhenAll reports one exception; the cause is the first that is not a cancellation it triggered.
            var errors = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
            ExceptionDispatchInfo.Throw(errors.OfType<DownloadException>().FirstOrDefault()
                ?? errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors[0]);
        }
    }

    private void HashPiece(SafeFileHandle handle, byte[] buffer, long from, long to)
    {
        for (var pos = from; pos < to;)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(HashChunkSize, to - pos)), pos);
            if (read == 0)
            {
                throw new DownloadException(FailureReason.StorageError, $"{job.TargetPath} ended at {pos} while hashing piece {from}-{to - 1}", transient: false);
            }

            state.Append(buffer.AsMemory(0, read));
            pos += read;
        }
    }
}

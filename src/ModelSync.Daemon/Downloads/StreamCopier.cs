using System.Buffers;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// One body into the file from <see cref="TransferState.Offset"/> on: read under the stall timer, pay the
/// bandwidth bucket, write, hash, report. This task receives and writes (what curl does), a second one
/// hashes the same buffers as they are handed over, so sha256 runs on the other core instead of stalling
/// the socket. Every buffer written is hashed before <see cref="CopyAsync"/> returns, so the digest always
/// covers exactly the bytes on disk.
/// </summary>
internal sealed class StreamCopier(FileJob job, BandwidthLimiter limiter, TransferState state, ResumeRecord record)
{
    public const int ChunkSize = 1 << 20;
    private const int MinChunkSize = 16 << 10;
    private const long WriteBackEvery = 32L << 20;
    private const int PipelineDepth = 4;

    public async Task CopyAsync(Stream body, SafeFileHandle handle, CancellationTokenSource stall)
    {
        var size = job.Spec.Size;
        var buffers = Buffers(size - state.Offset);
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
                state.Append(buffer.AsMemory(0, count));
                free.Writer.TryWrite(buffer);
            }
        });
        try
        {
            while (state.Offset < size)
            {
                var buffer = await free.Reader.ReadAsync(stall.Token);
                var read = await ReadAsync(body, buffer, stall);
                if (read == 0)
                {
                    break;
                }

                Write(handle, buffer.AsSpan(0, read), state.Offset);
                await filled.Writer.WriteAsync((buffer, read), stall.Token);
                state.Offset += read;
                state.Report(read);
                if (state.Offset % WriteBackEvery < read)
                {
                    WriteBack.Start(handle, state.Offset - WriteBackEvery, WriteBackEvery);
                }

                record.PersistPeriodically(state);
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

        if (state.Offset < size)
        {
            throw new DownloadException(FailureReason.SourceUnreachable, $"body ended after {state.Offset} of {size} bytes", transient: true);
        }
    }

    /// <summary>
    /// As many buffers as the pipeline can use for <paramref name="remaining"/> bytes, each no larger than
    /// they need be: a 50 KB file gets two 64 KiB buffers instead of five 1 MiB ones (which, with many
    /// small files in flight, would be large-object allocations the pool cannot keep up with).
    /// </summary>
    private static byte[][] Buffers(long remaining)
    {
        var chunk = (int)Math.Clamp(remaining, MinChunkSize, ChunkSize);
        var count = (int)Math.Min(PipelineDepth + 1, ((remaining + chunk - 1) / chunk) + 1);
        return [.. Enumerable.Range(0, count).Select(_ => ArrayPool<byte>.Shared.Rent(chunk))];
    }

    /// <summary>
    /// One read from the source under the stall timer. The timer runs only while the read does: time spent
    /// waiting for the bandwidth bucket or the hasher is not the source's silence.
    /// </summary>
    public static async ValueTask<int> ReadOnceAsync(Stream body, Memory<byte> buffer, CancellationTokenSource stall, TimeSpan stallTimeout)
    {
        stall.CancelAfter(stallTimeout);
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
    public static void Write(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
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

    private async Task<int> ReadAsync(Stream body, byte[] buffer, CancellationTokenSource stall)
    {
        var want = (int)Math.Min(Math.Min(Math.Min(ChunkSize, buffer.Length), limiter.MaxChunk), job.Spec.Size - state.Offset);
        var total = 0;
        // Fill up to a chunk on a fast link (fewer hand-offs), but return a quarter chunk as soon as it is
        // there, so progress and the resume record move on a slow one too.
        while (total < Math.Min(want, ChunkSize / 4))
        {
            var read = await ReadOnceAsync(body, buffer.AsMemory(total, want - total), stall, job.StallTimeout);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        // Pay for what arrived, after it arrived: the bucket's debt throttles the next read.
        await limiter.AcquireAsync(total, stall.Token);
        return total;
    }
}

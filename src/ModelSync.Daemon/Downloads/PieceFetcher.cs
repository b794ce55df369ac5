using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// One piece of a segmented download over one connection: the bytes it still lacks (a restart kept the rest),
/// read under the stall timer, paid to the bandwidth bucket, written in place, and followed in
/// <see cref="TransferState.Ahead"/> and the resume record as they land.
/// </summary>
internal sealed class PieceFetcher(FileJob job, HttpSource http, BandwidthLimiter limiter, TimeProvider time, TransferState state, ResumeRecord record)
{
    /// <summary>Bytes <paramref name="start"/> to <paramref name="to"/> of the piece that begins at <paramref name="from"/>
    /// (what came before <paramref name="start"/> is on disk already); its progress goes into the resume record.</summary>
    public async Task FetchAsync(SafeFileHandle handle, HttpResponseMessage? response, long from, long start, long to, byte[] buffer, CancellationToken ct)
    {
        using var stall = new CancellationTokenSource(job.StallTimeout, time);
        using var link = ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), stall);
        try
        {
            response ??= await GetPieceAsync(start, to, stall.Token);
            using (response)
            {
                var body = await response.Content.ReadAsStreamAsync(stall.Token);
                for (var pos = start; pos < to;)
                {
                    var want = (int)Math.Min(Math.Min(buffer.Length, limiter.MaxChunk), to - pos);
                    var read = await StreamCopier.ReadOnceAsync(body, buffer.AsMemory(0, want), stall, job.StallTimeout);
                    if (read == 0)
                    {
                        throw new DownloadException(FailureReason.SourceUnreachable, $"range {start}-{to - 1} ended after {pos - start} bytes", transient: true);
                    }

                    // Pay for what arrived, not for what was asked: a read often returns less.
                    await limiter.AcquireAsync(read, stall.Token);

                    StreamCopier.Write(handle, buffer.AsSpan(0, read), pos);
                    pos += read;
                    state.Ahead.Advance(from, pos);
                    state.Report(read);
                    record.PersistPeriodically(state);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DownloadException(FailureReason.Stalled, $"no byte received for {job.StallTimeout.TotalSeconds:0.#}s", transient: true);
        }
    }

    private async Task<HttpResponseMessage> GetPieceAsync(long from, long to, CancellationToken ct)
    {
        var response = await http.GetAsync(await job.RequestUrlAsync(ct), from, state.Validator, job.BearerToken, ct, to - 1);
        var verdict = ResponseCheck.ForPiece(response, from, job.Spec.Size, time.GetUtcNow());
        if (verdict.Outcome == ResponseOutcome.Continue)
        {
            return response;
        }

        using (response)
        {
            // Pieces and the hasher are still running: a start-over waits until the attempt has stopped.
            state.Accept(verdict);
            throw new UnreachableException();
        }
    }
}

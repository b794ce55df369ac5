using System.Buffers;
using ModelSync.Store.Digests;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Downloads;

/// <summary>What a staged file's state on disk allows: a record at open time says where to go on from.</summary>
internal readonly record struct Recovered(DigestResult? Complete, long Offset, string? Validator, IReadOnlyList<ByteRange>? Ahead = null);

/// <summary>
/// The staged file's <see cref="ResumeState"/> sidecar: where a transfer may go on after a restart, and
/// the point it has reached, written about once a second while bytes arrive (by whichever connection or hasher
/// gets there first: the lock keeps one writer).
/// </summary>
internal sealed class ResumeRecord(FileJob job, TimeProvider time)
{
    private readonly Lock _lock = new();

    // Half the second a crash may cost (issue 27): the record lags the bytes by up to this, the kill comes at any time.
    private static readonly TimeSpan PersistEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>Up to this size a file's record is written in place, not beside and renamed (see <see cref="Persist"/>).</summary>
    private const long InPlaceUpTo = 4 << 20;

    // From the start, not from zero: a file done within the first second needs no record on the way (a stop
    // or failure still writes one), and 2,000 small files wrote 2,000 records each created and renamed for nothing.
    private long _lastPersistTicks = time.GetTimestamp();

    public Recovered Recover()
    {
        var spec = job.Spec;
        var state = ResumeState.TryRead(job.StatePath);
        var file = new FileInfo(job.TargetPath);
        if (state is null || state.Source != ResumeState.SourceOf(spec.Url) || state.Size != spec.Size || !file.Exists || file.Length < state.BytesDone)
        {
            DeletePartial();
            return default;
        }

        if (state.Complete)
        {
            // Complete but with other digests than the manifest now wants: useless, and possibly already
            // made read-only by a publish that failed later, so start over rather than write into it.
            if (file.Length == spec.Size && DigestCheck.Mismatch(spec, state.Sha256, state.Xxh128, state.GitBlobSha1) is null)
            {
                return new Recovered(new DigestResult(spec.Size, state.Sha256, state.Xxh128) { GitBlobSha1 = state.GitBlobSha1 }, 0, null);
            }

            DeletePartial();
            return default;
        }

        // Another name for the same inode (a published file hardlinked into staging) would be changed by
        // every byte written here. Unlinking ours leaves it intact; when the count cannot be read, the same.
        if (FileIdentity.Of(job.TargetPath) is not { Links: 1 })
        {
            DeletePartial();
            return default;
        }

        var offset = Math.Min(state.BytesDone, spec.Size);
        return new Recovered(null, offset, state.Validator, PiecesAhead.Plausible(state.Ahead, offset, file.Length));
    }

    /// <summary>
    /// After a restart the digest has to catch up with the bytes already on disk. Done by the first
    /// attempt, not at open: it can take seconds per GB, and shutdown or a manifest change must be able
    /// to cut it short (a cut-short pass starts over with a fresh digest).
    /// </summary>
    public void HashPrefix(TransferState state, CancellationToken ct)
    {
        if (!state.PrefixUnhashed)
        {
            return;
        }

        try
        {
            AppendPrefix(state, ct);
            state.PrefixUnhashed = false;
        }
        catch (EndOfStreamException)
        {
            state.Reset(); // shorter than its record says (a crash beat the data to disk): start over
        }
        catch
        {
            state.ReplaceDigest();
            throw;
        }
    }

    /// <summary>Best effort: a record that cannot be written (a full disk) costs bytes after a restart, never the
    /// transfer itself, which writes into space preallocated when the file was created.</summary>
    public void Persist(TransferState state, DigestResult? complete = null)
    {
        lock (_lock)
        {
            try
            {
                Write(state, complete);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The last good record stays (a large file's is replaced by a rename); the next persist tries again.
            }

            Volatile.Write(ref _lastPersistTicks, time.GetTimestamp());
        }
    }

    /// <summary>
    /// A small file's record is written in place: a rename per file was a third of a many-small-files sync,
    /// and a record torn by a crash does not parse, which costs that small file again and nothing else.
    /// A large file's goes through a rename, which keeps the last good one through a crash mid-write.
    /// </summary>
    private void Write(TransferState state, DigestResult? complete)
    {
        // The prefix first: the pieces it has passed leave the ranges ahead after it, never before.
        var offset = state.Offset;
        var ahead = complete is null ? state.Ahead.Beyond(offset) : [];
        new ResumeState
        {
            Source = ResumeState.SourceOf(job.Spec.Url),
            Size = job.Spec.Size,
            Validator = state.Validator,
            BytesDone = offset,
            Ahead = ahead.Length == 0 ? null : ahead,
            Complete = complete is not null,
            Sha256 = complete?.Sha256,
            Xxh128 = complete?.Xxh128,
            GitBlobSha1 = complete?.GitBlobSha1,
        }.Write(job.StatePath, atomic: job.Spec.Size > InPlaceUpTo);
    }

    /// <summary>Called after every write; persists when a second has passed since the last record.</summary>
    public void PersistPeriodically(TransferState state)
    {
        if (time.GetElapsedTime(Volatile.Read(ref _lastPersistTicks)) < PersistEvery || !_lock.TryEnter())
        {
            return; // not due, or another thread is writing it right now
        }

        try
        {
            if (time.GetElapsedTime(_lastPersistTicks) >= PersistEvery)
            {
                Persist(state);
            }
        }
        finally
        {
            _lock.Exit();
        }
    }

    public void DeletePartial()
    {
        File.Delete(job.TargetPath);
        File.Delete(job.StatePath);
    }

    private void AppendPrefix(TransferState state, CancellationToken ct)
    {
        using var stream = new FileStream(job.TargetPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent(StreamCopier.ChunkSize);
        try
        {
            var left = state.Offset;
            while (left > 0)
            {
                ct.ThrowIfCancellationRequested();
                var read = stream.Read(buffer, 0, (int)Math.Min(StreamCopier.ChunkSize, left));
                if (read == 0)
                {
                    throw new EndOfStreamException($"{job.TargetPath} is shorter than its resume record");
                }

                state.Append(buffer.AsMemory(0, read));
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

using System.Buffers;
using System.Net;
using Microsoft.Win32.SafeHandles;
using ModelSync.Store.Digests;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// Moves one file into staging across any number of attempts. Between attempts it keeps the digest of
/// the bytes already written, so a retry resumes with <c>Range</c> and nothing is read twice; after a
/// restart the prefix on disk is hashed once and the download resumes behind it.
/// </summary>
internal sealed partial class FileTransfer
{
    private const int ChunkSize = 1 << 20;
    private const long WriteBackEvery = 32L << 20;
    private const int PipelineDepth = 4;
    private static readonly TimeSpan PersistEvery = TimeSpan.FromSeconds(1);

    private readonly FileJob _job;
    private readonly HttpSource _http;
    private readonly BandwidthLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly Action<long> _onBytes;
    private ContentDigest _digest;
    private long _offset;
    private string? _validator;
    private long _lastPersistTicks;
    private long _reported;
    private bool _sourceChanged;
    private bool _prefixUnhashed;

    private FileTransfer(FileJob job, HttpSource http, BandwidthLimiter limiter, TimeProvider time, Action<long> onBytes)
    {
        _job = job;
        _http = http;
        _limiter = limiter;
        _time = time;
        _onBytes = onBytes;
        _digest = NewDigest();
    }

    public DigestResult? Result { get; private set; }

    /// <summary>Bytes on disk that the next attempt will not fetch again.</summary>
    public long BytesDone => Result is null ? _offset : _job.Spec.Size;

    /// <summary>Bytes already on disk when the transfer was opened: non-zero means a resume.</summary>
    public long BytesResumedFrom { get; private set; }

    // xxh128 always: cheap, and it lets the gate re-verify at memory speed. sha256 only when asked for.
    private ContentDigest NewDigest() =>
        new(_job.Spec.Sha256 is null ? DigestKind.Xxh128 : DigestKind.Both, _job.Spec.GitBlobSha1 is null ? null : _job.Spec.Size);

    public static FileTransfer Open(FileJob job, HttpSource http, BandwidthLimiter limiter, TimeProvider time, Action<long> onBytes)
    {
        var transfer = new FileTransfer(job, http, limiter, time, onBytes);
        transfer.Recover();
        return transfer;
    }

    private void Recover()
    {
        var spec = _job.Spec;
        var state = ResumeState.TryRead(_job.StatePath);
        var file = new FileInfo(_job.TargetPath);
        if (state is null || state.Source != ResumeState.SourceOf(spec.Url) || state.Size != spec.Size || !file.Exists || file.Length < state.BytesDone)
        {
            DeletePartial();
            return;
        }

        if (state.Complete)
        {
            // Complete but with other digests than the manifest now wants: useless, and possibly already
            // made read-only by a publish that failed later, so start over rather than write into it.
            if (file.Length == spec.Size && Matches(state.Sha256, state.Xxh128, state.GitBlobSha1) is null)
            {
                Result = new DigestResult(spec.Size, state.Sha256, state.Xxh128) { GitBlobSha1 = state.GitBlobSha1 };
            }
            else
            {
                DeletePartial();
            }

            return;
        }

        _validator = state.Validator;
        _offset = Math.Min(state.BytesDone, spec.Size);
        _reported = _offset;
        BytesResumedFrom = _offset;
        _prefixUnhashed = _offset > 0;
    }

    /// <summary>
    /// After a restart the digest has to catch up with the bytes already on disk. Done by the first
    /// attempt, not at open: it can take seconds per GB, and shutdown or a manifest change must be able
    /// to cut it short (a cut-short pass starts over with a fresh digest).
    /// </summary>
    private void HashPrefixFromDisk(CancellationToken ct)
    {
        if (!_prefixUnhashed)
        {
            return;
        }

        try
        {
            AppendPrefix(ct);
            _prefixUnhashed = false;
        }
        catch (EndOfStreamException)
        {
            Restart(); // shorter than its record says (a crash beat the data to disk): start over
        }
        catch
        {
            _digest.Dispose();
            _digest = NewDigest();
            throw;
        }
    }

    private void AppendPrefix(CancellationToken ct)
    {
        using var stream = new FileStream(_job.TargetPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var left = _offset;
            while (left > 0)
            {
                ct.ThrowIfCancellationRequested();
                var read = stream.Read(buffer, 0, (int)Math.Min(ChunkSize, left));
                if (read == 0)
                {
                    throw new EndOfStreamException($"{_job.TargetPath} is shorter than its resume record");
                }

                _digest.Append(buffer.AsSpan(0, read));
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Null when the digests match the manifest, else the message.</summary>
    private string? Matches(string? sha256, string? xxh128, string? gitBlobSha1 = null)
    {
        var spec = _job.Spec;
        if (spec.GitBlobSha1 is not null && spec.GitBlobSha1 != gitBlobSha1)
        {
            return $"git blob sha1 {gitBlobSha1 ?? "(not computed)"}, expected {spec.GitBlobSha1}";
        }

        if (spec.Sha256 is not null && spec.Sha256 != sha256)
        {
            return $"sha256 {sha256}, expected {spec.Sha256}";
        }

        return spec.Xxh128 is not null && spec.Xxh128 != xxh128 ? $"xxh128 {xxh128}, expected {spec.Xxh128}" : null;
    }

    private void Restart()
    {
        _offset = 0;
        _prefixUnhashed = false;
        SettleProgress();
        _validator = null;
        _digest.Dispose();
        _digest = NewDigest();
    }

    /// <summary>Counts written bytes for progress; they may run ahead of the hashed prefix.</summary>
    private void Report(long bytes)
    {
        Interlocked.Add(ref _reported, bytes);
        _onBytes(bytes);
    }

    /// <summary>After an attempt, progress falls back to what the next attempt will not fetch again.</summary>
    private void SettleProgress()
    {
        var delta = _offset - Interlocked.Exchange(ref _reported, _offset);
        if (delta != 0)
        {
            _onBytes(delta);
        }
    }

    private void DeletePartial()
    {
        File.Delete(_job.TargetPath);
        File.Delete(_job.StatePath);
    }

    private void Persist(bool complete = false)
    {
        new ResumeState
        {
            Source = ResumeState.SourceOf(_job.Spec.Url),
            Size = _job.Spec.Size,
            Validator = _validator,
            BytesDone = _offset,
            Complete = complete,
            Sha256 = Result?.Sha256,
            Xxh128 = Result?.Xxh128,
            GitBlobSha1 = Result?.GitBlobSha1,
        }.Write(_job.StatePath);
        _lastPersistTicks = _time.GetTimestamp();
    }

    private void PersistPeriodically()
    {
        if (_time.GetElapsedTime(_lastPersistTicks) >= PersistEvery)
        {
            Persist();
        }
    }

    private static bool IsTransientStatus(HttpStatusCode code) =>
        code is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)code >= 500;

    /// <summary>A new file is preallocated (fallocate), so a full disk fails now, not at 90 %.</summary>
    private static SafeFileHandle OpenTarget(string path, long size) => File.Exists(path)
        ? File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)
        : File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, preallocationSize: size);
}

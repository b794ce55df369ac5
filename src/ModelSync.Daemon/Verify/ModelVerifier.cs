using System.Buffers;
using ModelSync.Daemon.Downloads;
using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Verify;

internal enum VerifyProblemKind
{
    Missing,
    SizeMismatch,
    DigestMismatch,
    NoDigest,
    UnsafePath,
    Unreadable,
}

/// <summary>One file of a Ready model that is not what the inventory recorded.</summary>
internal sealed record VerifyProblem(string Model, string Version, string? File, VerifyProblemKind Kind, string Message)
{
    /// <summary>The content on disk is wrong or gone: the model must be downloaded again. <see cref="VerifyProblemKind.Unreadable"/>
    /// (permissions, I/O error) is reported but may be passing, so it does not condemn the model.</summary>
    public bool IsCorruption => Kind is not VerifyProblemKind.Unreadable;

    public override string ToString() => File is null ? $"{Model}@{Version}: {Message}" : $"{Model}@{Version}/{File}: {Message}";
}

/// <summary>
/// Re-hashes the files of a Ready model against the digests recorded in the inventory (xxh128 when
/// recorded, else sha256). Reads go through a <see cref="BandwidthLimiter"/>, so the scheduled scrub can be
/// held to a bytes/s budget that leaves disk I/O for the service pods.
/// </summary>
internal static class ModelVerifier
{
    private const int ChunkSize = 1 << 20;

    public static async Task<IReadOnlyList<VerifyProblem>> VerifyAsync(string storeRoot, ModelEntry entry, BandwidthLimiter limiter, CancellationToken ct)
    {
        var problems = new List<VerifyProblem>();
        var modelDir = entry.Path is null ? null : SafePath.Resolve(storeRoot, entry.Path, out _);
        if (modelDir is null)
        {
            problems.Add(new(entry.Name, entry.Version, null, VerifyProblemKind.UnsafePath, $"inventory path '{entry.Path}' is not a safe path under the store root"));
            return problems;
        }

        foreach (var file in entry.Files)
        {
            ct.ThrowIfCancellationRequested();
            if (await CheckFileAsync(modelDir, file, limiter, ct) is { } p)
            {
                problems.Add(new(entry.Name, entry.Version, file.Path, p.Kind, p.Message));
            }
        }

        return problems;
    }

    private static async Task<(VerifyProblemKind Kind, string Message)?> CheckFileAsync(string modelDir, FileEntry file, BandwidthLimiter limiter, CancellationToken ct)
    {
        var path = SafePath.Resolve(modelDir, file.Path, out var unsafePath);
        if (path is null)
        {
            return (VerifyProblemKind.UnsafePath, unsafePath!);
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return (VerifyProblemKind.Missing, "missing");
        }

        if (info.Length != file.Size)
        {
            return (VerifyProblemKind.SizeMismatch, $"size {info.Length}, expected {file.Size}");
        }

        var kind = DigestFormat.IsXxh128(file.Xxh128) ? DigestKind.Xxh128 : DigestFormat.IsSha256(file.Sha256) ? DigestKind.Sha256 : DigestKind.None;
        if (kind == DigestKind.None)
        {
            return (VerifyProblemKind.NoDigest, "no sha256 or xxh128 recorded to verify against");
        }

        try
        {
            var actual = await HashAsync(path, kind, limiter, ct);
            var (expected, got, label) = kind == DigestKind.Xxh128 ? (file.Xxh128, actual.Xxh128, "xxh128") : (file.Sha256, actual.Sha256, "sha256");
            return expected == got ? null : (VerifyProblemKind.DigestMismatch, $"{label} {got}, expected {expected}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (VerifyProblemKind.Unreadable, ex.Message);
        }
    }

    private static async Task<DigestResult> HashAsync(string path, DigestKind kind, BandwidthLimiter limiter, CancellationToken ct)
    {
        using var digest = new ContentDigest(kind);
        await using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
        var chunk = Math.Min(ChunkSize, limiter.MaxChunk);
        var buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            int read;
            do
            {
                await limiter.AcquireAsync(chunk, ct);
                read = await stream.ReadAsync(buffer.AsMemory(0, chunk), ct);
                digest.Append(buffer.AsSpan(0, read));
            }
            while (read > 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return digest.Finish();
    }
}

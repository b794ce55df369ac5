using System.Buffers;
using ModelSync.Daemon.Downloads;
using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Verify;

/// <summary>One file of a Ready model that is not what the inventory recorded.</summary>
internal sealed record VerifyProblem(string Model, string Version, string? File, ProblemKind Kind, string Message)
{
    /// <summary>The content on disk is wrong or gone: the model must be downloaded again. <see cref="ProblemKind.Unreadable"/>
    /// (permissions, I/O error) is reported but may be passing, so it does not condemn the model.</summary>
    public bool IsCorruption => Kind is not ProblemKind.Unreadable;

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
            problems.Add(new(entry.Name, entry.Version, null, ProblemKind.UnsafePath, $"inventory path '{entry.Path}' is not a safe path under the store root"));
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

    private static async Task<FileProblem?> CheckFileAsync(string modelDir, FileEntry file, BandwidthLimiter limiter, CancellationToken ct)
    {
        var path = FileCheck.Locate(modelDir, file, out var problem);
        if (path is null)
        {
            return problem;
        }

        var kind = FileCheck.DigestToVerify(file);
        if (kind == DigestKind.None)
        {
            return FileCheck.NoDigest;
        }

        try
        {
            return FileCheck.Compare(file, kind, await HashAsync(path, kind, limiter, ct));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new(ProblemKind.Unreadable, ex.Message);
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

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
            if (await Task.Run(() => CheckFile(modelDir, file, limiter, ct), ct) is { } p)
            {
                problems.Add(new(entry.Name, entry.Version, file.Path, p.Kind, p.Message));
            }
        }

        problems.AddRange(Signatures.SignatureRecheck.Check(modelDir, entry).Select(p => new VerifyProblem(entry.Name, entry.Version, p.File, p.Kind, p.Message)));
        return problems;
    }

    /// <summary>The shared check, hashing through the limiter: the scrub pays for each read after it, so
    /// it stays at its bytes/s budget. Blocking on the bucket is fine on the scrub's own thread.</summary>
    private static FileProblem? CheckFile(string modelDir, FileEntry file, BandwidthLimiter limiter, CancellationToken ct) =>
        FileCheck.Check(modelDir, file, VerifyMode.Full, (path, kind) => FileHasher.Hash(
            path, kind, ct, read => limiter.AcquireAsync(read, ct).AsTask().GetAwaiter().GetResult(), Math.Min(ChunkSize, limiter.MaxChunk)));
}

using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;

namespace ModelSync.Store.Validation;

/// <summary>
/// The checks of one published file against what the inventory recorded, shared by every reader that
/// verifies (the gate's validator, the daemon's verify and scrub), which differ only in how they read.
/// </summary>
public static class FileCheck
{
    /// <summary>The file's full path when it is inside the model, exists and has the recorded size; else null and why.</summary>
    public static string? Locate(string modelDir, FileEntry file, out FileProblem? problem)
    {
        var path = SafePath.Resolve(modelDir, file.Path, out var pathProblem);
        var info = path is null ? null : new FileInfo(path);
        problem = info is null ? new(ProblemKind.UnsafePath, pathProblem!)
            : !info.Exists ? new(ProblemKind.FileMissing, "missing")
            : info.Length != file.Size ? new(ProblemKind.SizeMismatch, $"size {info.Length}, expected {file.Size}")
            : null;
        return problem is null ? path : null;
    }

    /// <summary>What to re-hash with: xxh128 when recorded (fast), else sha256; None when neither is valid.</summary>
    public static DigestKind DigestToVerify(FileEntry file) =>
        DigestFormat.IsXxh128(file.Xxh128) ? DigestKind.Xxh128 : DigestFormat.IsSha256(file.Sha256) ? DigestKind.Sha256 : DigestKind.None;

    public static FileProblem NoDigest { get; } = new(ProblemKind.NoDigest, "no valid sha256 or xxh128 recorded to verify against");

    /// <summary>Null when <paramref name="actual"/> matches the recorded digest of <paramref name="kind"/>.</summary>
    public static FileProblem? Compare(FileEntry file, DigestKind kind, DigestResult actual)
    {
        var (expected, got, label) = kind == DigestKind.Xxh128 ? (file.Xxh128, actual.Xxh128, "xxh128") : (file.Sha256, actual.Sha256, "sha256");
        return expected == got ? null : new(ProblemKind.DigestMismatch, $"{label} {got}, expected {expected}");
    }
}

public sealed record FileProblem(ProblemKind Kind, string Message);

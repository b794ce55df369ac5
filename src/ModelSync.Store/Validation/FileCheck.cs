using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;

namespace ModelSync.Store.Validation;

/// <summary>
/// The check of one published file against what the inventory recorded, shared by every reader that
/// verifies (the gate's validator, the daemon's verify and scrub); they differ only in how they read,
/// which <paramref name="hash"/> of <see cref="Check"/> supplies.
/// </summary>
public static class FileCheck
{
    /// <summary>Null when the file is inside the model, exists with the recorded size and, in
    /// <see cref="VerifyMode.Full"/>, hashes to the recorded digest (xxh128 when recorded, else sha256).</summary>
    public static FileProblem? Check(string modelDir, FileEntry file, VerifyMode mode, Func<string, DigestKind, DigestResult> hash)
    {
        var path = SafePath.Resolve(modelDir, file.Path, out var pathProblem);
        var info = path is null ? null : new FileInfo(path);
        if (info is null || !info.Exists || info.Length != file.Size)
        {
            return info is null ? new(ProblemKind.UnsafePath, pathProblem!)
                : !info.Exists ? new(ProblemKind.FileMissing, "missing")
                : new(ProblemKind.SizeMismatch, $"size {info.Length}, expected {file.Size}");
        }

        if (mode == VerifyMode.Size)
        {
            return null;
        }

        var kind = DigestFormat.IsXxh128(file.Xxh128) ? DigestKind.Xxh128 : DigestFormat.IsSha256(file.Sha256) ? DigestKind.Sha256 : DigestKind.None;
        if (kind == DigestKind.None)
        {
            return new(ProblemKind.NoDigest, "no valid sha256 or xxh128 recorded to verify against");
        }

        try
        {
            var actual = hash(path!, kind);
            var (expected, got, label) = kind == DigestKind.Xxh128 ? (file.Xxh128, actual.Xxh128, "xxh128") : (file.Sha256, actual.Sha256, "sha256");
            return expected == got ? null : new(ProblemKind.DigestMismatch, $"{label} {got}, expected {expected}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new(ProblemKind.Unreadable, ex.Message);
        }
    }
}

public sealed record FileProblem(ProblemKind Kind, string Message);

using System.Security.Cryptography;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Signatures;

/// <summary>
/// What <c>verify</c> checks of a signed version besides its files' digests: the bundle kept beside the marker
/// is the one verified at publication (its sha256 as recorded), and it still signs every file the version lists
/// with the sha256 recorded for it (which <c>verify</c> re-hashes). The envelope was verified with the manifest's
/// trust anchor when published; the bundle's recorded digest pins it since, so no key is needed here.
/// </summary>
internal static class SignatureRecheck
{
    public static IEnumerable<(string? File, ProblemKind Kind, string Message)> Check(string versionDir, ModelEntry entry)
    {
        if (entry.Signature is not { } record)
        {
            yield break;
        }

        var path = Path.Combine(versionDir, StoreLayout.SignatureFileName);
        byte[] bundle;
        try
        {
            bundle = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            bundle = [];
            if (ex is not (FileNotFoundException or DirectoryNotFoundException))
            {
                yield break; // unreadable, as the files' check reports it: not a reason to condemn
            }
        }

        if (bundle.Length == 0 || Convert.ToHexStringLower(SHA256.HashData(bundle)) != record.BundleSha256)
        {
            yield return (StoreLayout.SignatureFileName, bundle.Length == 0 ? ProblemKind.FileMissing : ProblemKind.DigestMismatch,
                $"signature bundle {(bundle.Length == 0 ? "missing" : "changed")} since it was verified (sha256 {record.BundleSha256} recorded)");
            yield break;
        }

        SignedStatement statement;
        string? problem = null;
        try
        {
            statement = SignedStatement.Parse(SignatureBundle.Parse(bundle).Payload);
        }
        catch (SignatureException ex)
        {
            statement = null!;
            problem = $"signature bundle: {ex.Check}: {ex.Message}";
        }

        if (problem is not null)
        {
            yield return (StoreLayout.SignatureFileName, ProblemKind.DigestMismatch, problem);
            yield break;
        }

        foreach (var file in entry.Files)
        {
            if (!statement.Files.TryGetValue(file.Path, out var signed) || signed.Sha256 != file.Sha256)
            {
                yield return (file.Path, ProblemKind.DigestMismatch, signed is null ? "not signed by the version's signature" : $"recorded sha256 {file.Sha256}, signed {signed.Sha256}");
            }
        }
    }
}

namespace ModelSync.Store.Inventory;

/// <summary>
/// Who signed a published version and what was checked (an OMS model signature, docs/signatures.md): in its
/// marker and its Ready inventory entry; absent for a version published without a <c>signature</c> block.
/// The bundle itself is kept beside the marker (<c>.modelsync.sig</c>).
/// </summary>
public sealed record SignatureRecord
{
    /// <summary><c>key</c> or <c>certificate</c> (the OMS method).</summary>
    public required string Method { get; init; }

    /// <summary>The key's fingerprint (<c>key sha256:…</c>) or the certificate's subject, issuer and serial.</summary>
    public required string Signer { get; init; }

    /// <summary>sha256 (hex) of the bundle's bytes.</summary>
    public required string BundleSha256 { get; init; }

    /// <summary>When the signature was checked; a certificate chain is checked again at this time by <c>verify</c>.</summary>
    public DateTimeOffset VerifiedAt { get; init; }

    /// <summary>How many files the signature lists; the version holds all of them, or a subset when the model's
    /// include/exclude selected one (<see cref="Subset"/>).</summary>
    public int SignedFiles { get; init; }

    public bool Subset { get; init; }

    /// <summary>Files of the source left out of the version because the signature does not cover them (its
    /// <c>ignore_paths</c>, the git files, the bundle itself).</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];
}

namespace ModelSync.Daemon.Manifest;

/// <summary>A model's <c>signature</c> block (docs/manifest.md): where its OMS bundle is and the one trust
/// anchor it must verify with. Every value here passed validation.</summary>
public sealed record SignatureSpec
{
    public const string DefaultBundle = "model.sig";

    /// <summary>The bundle's path in the model's source (fetched beside its files, never published as one);
    /// null when <see cref="BundleUrl"/> is set.</summary>
    public string? BundlePath { get; init; } = DefaultBundle;

    /// <summary>An absolute http(s) or file URL of the bundle, outside the source.</summary>
    public Uri? BundleUrl { get; init; }

    /// <summary>Method <c>key</c>: an absolute path to a PEM EC public key.</summary>
    public string? PublicKeyFile { get; init; }

    /// <summary>Method <c>certificate</c>: an absolute path to the PEM CA certificates the signing certificate must chain to.</summary>
    public string? CertificateChainFile { get; init; }

    public string Method => PublicKeyFile is not null ? "key" : "certificate";

    /// <summary>The bundle as written, for messages.</summary>
    public string Bundle => BundleUrl?.ToString() ?? BundlePath ?? DefaultBundle;
}

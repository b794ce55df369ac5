using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ModelSync.Daemon.Signatures;

/// <summary>
/// OMS method <c>certificate</c>: the bundle's first certificate (the leaf, an EC key with the code-signing
/// extended key usage) must chain, through the bundle's other certificates, to a self-signed CA of the manifest's
/// <c>certificateChain</c> file, and its key must verify the envelope. Revocation is not checked (no network).
/// Time policy: the bundle has no trusted signing time, so every certificate of the chain must be valid at
/// <c>at</c>: the time of the sync (and, for <c>verify</c>, the time the version was first verified). The
/// reference checks at the leaf's notBefore instead, which accepts a leaf long expired.
/// </summary>
internal sealed class CertificateAnchor : ITrustAnchor
{
    private const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    private readonly X509Certificate2Collection _anchors = [];

    public CertificateAnchor(string file, ReadOnlySpan<char> pem)
    {
        try
        {
            _anchors.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new SignatureException("certificateChain", $"{file}: {ex.Message}");
        }

        if (_anchors.Count == 0)
        {
            throw new SignatureException("certificateChain", $"{file} holds no PEM CERTIFICATE");
        }

        Expected = $"a certificate chaining to {string.Join(" or ", _anchors.Select(a => a.Subject))} ({file})";
    }

    public string Expected { get; }

    public string Verify(SignatureBundle bundle, DateTimeOffset at)
    {
        var material = bundle.Material;
        var raw = material.X509CertificateChain?.Certificates?.Select(c => c.RawBytes).ToList()
            ?? (material.Certificate is { } single ? new List<string?> { single.RawBytes } : null)
            ?? throw new SignatureException("verificationMaterial", "holds no certificate: the bundle was not signed with method certificate");
        if (raw.Count == 0)
        {
            throw new SignatureException("x509CertificateChain", "holds no certificate");
        }

        var certificates = raw.Select((r, i) => Load(SignatureBundle.Base64(r, $"certificates[{i}].rawBytes"), i)).ToList();
        try
        {
            var leaf = certificates[0];
            CheckUsage(leaf);
            CheckChain(leaf, certificates.Skip(1), at);
            using var key = leaf.GetECDsaPublicKey()
                ?? throw new SignatureException("certificate", $"{leaf.Subject} has no EC key (OMS signs with ECDSA)");
            return EcKeys.Verifies(key, bundle, $"the key of {leaf.Subject}")
                ? $"certificate {leaf.Subject} (issuer {leaf.Issuer}, serial {leaf.SerialNumber})"
                : throw new SignatureException("signature", $"the envelope's signature does not verify with the key of {leaf.Subject}");
        }
        finally
        {
            certificates.ForEach(c => c.Dispose());
        }
    }

    private static X509Certificate2 Load(byte[] der, int index)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new SignatureException($"certificates[{index}]", $"is not an X.509 certificate: {ex.Message}");
        }
    }

    /// <summary>Code signing, required (the reference also takes a key usage of digitalSignature alone).</summary>
    private static void CheckUsage(X509Certificate2 leaf)
    {
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null || !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == CodeSigning))
        {
            throw new SignatureException("certificate", $"{leaf.Subject} is not for code signing (no extended key usage {CodeSigning})");
        }

        if (leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            throw new SignatureException("certificate", $"{leaf.Subject}'s key usage ({usage.KeyUsages}) has no digitalSignature");
        }
    }

    private void CheckChain(X509Certificate2 leaf, IEnumerable<X509Certificate2> intermediates, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = at.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(new Oid(CodeSigning));
        policy.CustomTrustStore.AddRange(_anchors);
        policy.ExtraStore.AddRange(intermediates.ToArray());
        if (chain.Build(leaf))
        {
            return;
        }

        var problems = chain.ChainElements
            .SelectMany(e => e.ChainElementStatus.Select(s => (e.Certificate, s)))
            .Where(p => p.s.Status != X509ChainStatusFlags.NoError)
            .Select(p => p.s.Status is X509ChainStatusFlags.NotTimeValid
                ? $"{p.Certificate.Subject} is not valid at {at:u} (valid {p.Certificate.NotBefore.ToUniversalTime():u} to {p.Certificate.NotAfter.ToUniversalTime():u})"
                : $"{p.Certificate.Subject}: {p.s.StatusInformation.Trim()}")
            .Distinct().ToList();
        throw new SignatureException("certificateChain", $"{leaf.Subject} does not chain to the manifest's CA: {string.Join("; ", problems)}");
    }
}

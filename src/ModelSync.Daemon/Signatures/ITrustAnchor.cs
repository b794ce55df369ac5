namespace ModelSync.Daemon.Signatures;

/// <summary>What the manifest trusts to sign a model: a public key (OMS method <c>key</c>) or the CA
/// certificates a signing certificate must chain to (method <c>certificate</c>).</summary>
internal interface ITrustAnchor
{
    /// <summary>For messages: who is expected to have signed (<c>key sha256:…</c>, <c>a certificate from CN=…</c>).</summary>
    string Expected { get; }

    /// <summary>Checks the envelope's signature (and for a certificate its chain, at <paramref name="at"/>);
    /// returns who signed. Throws <see cref="SignatureException"/>.</summary>
    string Verify(SignatureBundle bundle, DateTimeOffset at);
}

using System.Security.Cryptography;

namespace ModelSync.Daemon.Signatures;

/// <summary>OMS method <c>key</c>: the envelope is signed by the EC key whose public half the manifest names.
/// The bundle's <c>publicKey.hint</c> must be the reference's hint of that key; a bundle from before 1.0 carries
/// the key itself (<c>rawBytes</c>), which must be that key (the reference ignores it; a mismatch here is refused).</summary>
internal sealed class KeyAnchor : ITrustAnchor
{
    private readonly byte[] _spki;

    public KeyAnchor(string file, ReadOnlySpan<byte> pem)
    {
        _spki = EcKeys.Spki(pem) ?? throw new SignatureException("publicKey", $"{file} holds no PEM PUBLIC KEY block");
        using var key = Import(_spki, file);
        EcKeys.HashFor(key, file);
        Expected = $"key {EcKeys.Fingerprint(_spki)} ({file})";
    }

    public string Expected { get; }

    public string Verify(SignatureBundle bundle, DateTimeOffset at)
    {
        var material = bundle.Material.PublicKey
            ?? throw new SignatureException("verificationMaterial", "names no publicKey: the bundle was not signed with method key");
        if (material.Hint is { Length: > 0 } hint && hint != EcKeys.Hint(_spki))
        {
            throw new SignatureException("publicKey.hint", $"names key {hint}, not the manifest's (hint {EcKeys.Hint(_spki)})");
        }

        if (material.Hint is not { Length: > 0 } && material.RawBytes is { } raw
            && EcKeys.Spki(SignatureBundle.Base64(raw, "publicKey.rawBytes")) is var carried && (carried is null || !carried.AsSpan().SequenceEqual(_spki)))
        {
            throw new SignatureException("publicKey.rawBytes", "carries another key than the manifest's");
        }

        using var key = Import(_spki, "the manifest's key");
        return EcKeys.Verifies(key, bundle, "the manifest's key")
            ? $"key {EcKeys.Fingerprint(_spki)}"
            : throw new SignatureException("signature", "the envelope's signature does not verify with the manifest's key");
    }

    private static ECDsa Import(byte[] spki, string what)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out _);
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new SignatureException("publicKey", $"{what} is not an EC public key (OMS signs with ECDSA P-256, P-384 or P-521)");
        }
    }
}

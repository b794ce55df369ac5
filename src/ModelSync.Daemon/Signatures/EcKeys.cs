using System.Security.Cryptography;
using System.Text;

namespace ModelSync.Daemon.Signatures;

/// <summary>The EC keys OMS signs with (the reference's curves, each with its hash) and the checks on them.</summary>
internal static class EcKeys
{
    private static readonly Dictionary<string, (string Name, HashAlgorithmName Hash)> Curves = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.3.1.7"] = ("P-256", HashAlgorithmName.SHA256),
        ["1.3.132.0.34"] = ("P-384", HashAlgorithmName.SHA384),
        ["1.3.132.0.35"] = ("P-521", HashAlgorithmName.SHA512),
    };

    /// <summary>The hash the reference pairs with the key's curve; throws for any other curve.</summary>
    public static HashAlgorithmName HashFor(ECDsa key, string what)
    {
        var oid = key.ExportParameters(false).Curve.Oid?.Value ?? "";
        return Curves.TryGetValue(oid, out var curve)
            ? curve.Hash
            : throw new SignatureException("key", $"{what} is on curve {oid}, not P-256, P-384 or P-521");
    }

    /// <summary>The DER ECDSA signature over the DSSE PAE, checked with the hash of the key's curve.</summary>
    public static bool Verifies(ECDsa key, SignatureBundle bundle, string what)
    {
        var hash = HashFor(key, what);
        try
        {
            return key.VerifyData(bundle.Pae, bundle.Signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The reference's key hint: sha256 (hex) of the key's PEM as Python's cryptography writes it
    /// (SubjectPublicKeyInfo, 64-column base64, a final newline).</summary>
    public static string Hint(byte[] spki) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(new string(PemEncoding.Write("PUBLIC KEY", spki)) + "\n")));

    /// <summary>How the store names a key: sha256 of its SubjectPublicKeyInfo (DER), as
    /// <c>openssl pkey -pubin -outform der | sha256sum</c> prints it.</summary>
    public static string Fingerprint(byte[] spki) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(spki));

    /// <summary>The SubjectPublicKeyInfo of a PEM <c>PUBLIC KEY</c> block (anything around it ignored, as
    /// certtool's output has), or of DER as it is.</summary>
    public static byte[]? Spki(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.ASCII.GetString(bytes);
        var begin = text.IndexOf("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal);
        if (begin < 0)
        {
            return text.Contains("-----BEGIN", StringComparison.Ordinal) ? null : bytes.ToArray();
        }

        return PemEncoding.TryFind(text.AsSpan(begin), out var fields)
            ? Convert.FromBase64String(text.AsSpan(begin)[fields.Base64Data].ToString())
            : null;
    }
}

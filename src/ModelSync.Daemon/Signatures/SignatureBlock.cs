using System.Security.Cryptography.X509Certificates;
using System.Text;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Signatures;

/// <summary>What <c>hash</c> prints for a directory holding a <c>model.sig</c>: the manifest's <c>signature</c>
/// block for its method, with who the bundle says signed it; the trust anchor's path is for the operator to fill in.</summary>
internal static class SignatureBlock
{
    public static string? For(string dir, out string? note)
    {
        note = null;
        var path = Path.Combine(dir, SignatureSpec.DefaultBundle);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var material = SignatureBundle.Parse(File.ReadAllBytes(path)).Material;
            var yaml = new StringBuilder("    signature:\n");
            if (material.PublicKey is { } key)
            {
                yaml.Append("      # method key; the bundle names key hint ").Append(key.Hint ?? "(none: a pre-1.0 bundle)").Append('\n')
                    .Append("      publicKey: /etc/modelsync/keys/REPLACE-with-the-signer.pub\n");
            }
            else if (material.X509CertificateChain?.Certificates is [{ RawBytes: { } raw }, ..])
            {
                using var leaf = X509CertificateLoader.LoadCertificate(SignatureBundle.Base64(raw, "certificates[0]"));
                yaml.Append("      # method certificate; signed by ").Append(leaf.Subject).Append(", issuer ").Append(leaf.Issuer).Append('\n')
                    .Append("      certificateChain: /etc/modelsync/ca/REPLACE-with-your-ca.pem\n");
            }
            else
            {
                note = $"{path}: neither a key nor a certificate bundle (keyless Sigstore is not supported yet); no signature block printed";
                return null;
            }

            note = $"note: {path} is the model's signature: left out of the files; fill in the trust anchor (docs/signatures.md)";
            return yaml.ToString();
        }
        catch (Exception ex) when (ex is SignatureException or System.Security.Cryptography.CryptographicException or IOException)
        {
            note = $"{path}: not a usable OMS bundle ({ex.Message}); no signature block printed";
            return null;
        }
    }
}

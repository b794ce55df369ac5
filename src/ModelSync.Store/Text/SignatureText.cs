using ModelSync.Store.Inventory;

namespace ModelSync.Store.Text;

/// <summary>How <c>status</c>, the page and the gate say who signed a version (docs/signatures.md).</summary>
public static class SignatureText
{
    public static string Of(SignatureRecord signature) =>
        $"signed by {signature.Signer}; bundle sha256:{signature.BundleSha256[..Math.Min(16, signature.BundleSha256.Length)]}…, "
        + (signature.Subset ? $"a subset of {signature.SignedFiles} signed files" : $"{signature.SignedFiles} signed files")
        + $", verified {signature.VerifiedAt:u}";
}

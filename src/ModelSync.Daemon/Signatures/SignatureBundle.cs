using System.Text;
using System.Text.Json;

namespace ModelSync.Daemon.Signatures;

/// <summary>
/// An OMS signature file (<c>model.sig</c>): a Sigstore bundle v0.3 whose DSSE envelope carries the in-toto
/// statement. Parsing checks the shape only; <see cref="ITrustAnchor"/> checks who signed the envelope.
/// </summary>
internal sealed class SignatureBundle
{
    /// <summary>The media types of a v0.3 bundle: the reference writes the first; protobuf-specs also names the second.</summary>
    public static readonly string[] MediaTypes = ["application/vnd.dev.sigstore.bundle.v0.3+json", "application/vnd.dev.sigstore.bundle+json;version=0.3"];

    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>A bundle is a few KiB per thousand files; anything much larger is not one.</summary>
    public const int MaxBytes = 16 << 20;

    private SignatureBundle(VerificationMaterialJson material, byte[] payload, byte[] signature)
    {
        (Material, Payload, Signature) = (material, payload, signature);
    }

    public VerificationMaterialJson Material { get; }

    /// <summary>The statement's bytes as signed (decoded from base64; never re-serialized).</summary>
    public byte[] Payload { get; }

    /// <summary>The DER ECDSA signature over <see cref="Pae"/>.</summary>
    public byte[] Signature { get; }

    /// <summary>DSSE v1 pre-authentication encoding: <c>"DSSEv1" SP len(type) SP type SP len(body) SP body</c>.</summary>
    public byte[] Pae => [.. Encoding.ASCII.GetBytes($"DSSEv1 {InTotoPayloadType.Length} {InTotoPayloadType} {Payload.Length} "), .. Payload];

    public static SignatureBundle Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new SignatureException("bundle", $"is {bytes.Length} bytes, more than a bundle's {MaxBytes}");
        }

        BundleJson? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize(bytes, BundleJsonContext.Default.BundleJson);
        }
        catch (JsonException ex)
        {
            throw new SignatureException("bundle", $"is not a Sigstore bundle (bad JSON: {ex.Message})");
        }

        if (bundle is null)
        {
            throw new SignatureException("bundle", "is not a Sigstore bundle (JSON null)");
        }

        if (!MediaTypes.Contains(bundle.MediaType, StringComparer.Ordinal))
        {
            throw new SignatureException("mediaType", $"is '{bundle.MediaType}', expected {MediaTypes[0]} (a v0.3 bundle, as model_signing writes)");
        }

        var envelope = bundle.DsseEnvelope ?? throw new SignatureException("dsseEnvelope", "is missing: OMS signs a DSSE envelope, not a message digest");
        if (envelope.PayloadType != InTotoPayloadType)
        {
            throw new SignatureException("payloadType", $"is '{envelope.PayloadType}', expected {InTotoPayloadType}");
        }

        // One signature, as the reference writes: several would need a policy on which must verify.
        if (envelope.Signatures is not [{ Sig: { } sig }])
        {
            throw new SignatureException("signatures", $"the envelope has {envelope.Signatures?.Count ?? 0} signatures, expected exactly 1");
        }

        return new SignatureBundle(
            bundle.VerificationMaterial ?? throw new SignatureException("verificationMaterial", "is missing"),
            Base64(envelope.Payload, "dsseEnvelope.payload"),
            Base64(sig, "dsseEnvelope.signatures[0].sig"));
    }

    public static byte[] Base64(string? text, string field)
    {
        try
        {
            return text is null ? throw new SignatureException(field, "is missing") : Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new SignatureException(field, "is not base64");
        }
    }
}

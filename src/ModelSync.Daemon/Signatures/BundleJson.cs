using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelSync.Daemon.Signatures;

// The Sigstore bundle (protobuf-specs, JSON form) and the in-toto statement OMS v1.0 signs, as far as the
// key and certificate methods read them. Unknown members are ignored, as protobuf JSON readers do.

internal sealed record BundleJson(string? MediaType, VerificationMaterialJson? VerificationMaterial, DsseEnvelopeJson? DsseEnvelope);

internal sealed record VerificationMaterialJson(PublicKeyJson? PublicKey, CertificateChainJson? X509CertificateChain, CertificateJson? Certificate);

internal sealed record PublicKeyJson(string? Hint, string? RawBytes, string? KeyDetails);

internal sealed record CertificateChainJson(IReadOnlyList<CertificateJson>? Certificates);

internal sealed record CertificateJson(string? RawBytes);

internal sealed record DsseEnvelopeJson(string? Payload, string? PayloadType, IReadOnlyList<DsseSignatureJson>? Signatures);

internal sealed record DsseSignatureJson(string? Sig, string? Keyid);

internal sealed record StatementJson(
    [property: JsonPropertyName("_type")] string? Type,
    IReadOnlyList<SubjectJson>? Subject,
    string? PredicateType,
    PredicateJson? Predicate);

internal sealed record SubjectJson(string? Name, IReadOnlyDictionary<string, string>? Digest);

internal sealed record PredicateJson(SerializationJson? Serialization, IReadOnlyList<ResourceJson>? Resources);

/// <param name="ShardSize">A number: the reference writes it through a protobuf Struct, so as a float (<c>1000000000.0</c>).</param>
internal sealed record SerializationJson(
    string? Method,
    [property: JsonPropertyName("hash_type")] string? HashType,
    [property: JsonPropertyName("allow_symlinks")] bool? AllowSymlinks,
    [property: JsonPropertyName("ignore_paths")] IReadOnlyList<string>? IgnorePaths,
    [property: JsonPropertyName("shard_size")] double? ShardSize);

internal sealed record ResourceJson(string? Name, string? Algorithm, string? Digest);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, AllowTrailingCommas = false, AllowDuplicateProperties = false,
    ReadCommentHandling = JsonCommentHandling.Disallow, MaxDepth = 32)]
[JsonSerializable(typeof(BundleJson))]
[JsonSerializable(typeof(StatementJson))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;

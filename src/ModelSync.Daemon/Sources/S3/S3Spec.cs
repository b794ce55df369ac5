using System.Text.Json;
using System.Text.Json.Serialization;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.S3;

/// <summary><c>source: s3://…</c> with its include/exclude (docs/sources.md, "S3"); the version is empty until the
/// listing is resolved.</summary>
/// <param name="Digests">Digests the manifest gives for objects of the source (<c>digests:</c>), by path.</param>
/// <param name="VerifySizeOnly"><c>verify: size</c>: an object nothing vouches for is accepted on its size alone.</param>
public sealed record S3Spec(S3Reference Reference, IReadOnlyList<KnownDigest> Digests, bool VerifySizeOnly) : SourceSpec
{
    public override string? Key => Reference.Key;

    public override string Written => Reference.ToString();

    /// <summary>The reference with its filters, the digests, <c>verify</c> and <c>sync.s3</c>. Credentials come from
    /// the AWS chain, which names no file of the manifest.</summary>
    public override SourceIdentity Identity(SyncSettings sync) =>
        new(JsonSerializer.Serialize(new S3Identity(this, sync.Source<S3Settings>()), S3IdentityJsonContext.Default.S3Identity), []);
}

/// <summary>A digest the manifest gives for one object of an S3 source (<c>digests:</c>).</summary>
public sealed record KnownDigest(string Path, string? Sha256, string? Xxh128);

internal sealed record S3Identity(S3Spec Spec, S3Settings Settings);

[JsonSerializable(typeof(S3Identity))]
internal sealed partial class S3IdentityJsonContext : JsonSerializerContext;

using System.Security.Cryptography;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>
/// A reference to a verified manifest and its files: GET the manifest (OCI and Docker v2 both accepted), check
/// its sha256 against the pinned digest and the registry's <c>Docker-Content-Digest</c>, step through an image
/// index (<see cref="IndexChoice"/>), and name the version after the manifest's digest (<c>sha256-HEX</c>). The
/// config blob's digest is checked before the first layer byte is fetched (<see cref="ResolvedModel.BeforeFetch"/>).
/// </summary>
internal sealed class OciResolver(RegistryClient client)
{
    public async Task<ResolvedModel> ResolveAsync(ModelSpec model, OciReference oci, string sourceKey, CancellationToken ct)
    {
        var (manifest, digest) = await ManifestAsync(oci, oci.Reference, oci.Digest, ct);
        if (OciMediaTypes.IsIndex(manifest.MediaType) || (manifest.Manifests is not null && manifest.Layers is null))
        {
            var child = IndexChoice.Pick(manifest, $"{oci} ({digest})");
            var childDigest = LayerFiles.Sha256Hex(child.Digest) is not null ? child.Digest! : throw Invalid(oci, $"index child digest '{child.Digest}' is not sha256:<64 hex>");
            (manifest, digest) = await ManifestAsync(oci, childDigest, childDigest, ct);
        }

        var where = $"{oci} ({digest})";
        if (manifest.SchemaVersion != 2 || manifest.Layers is null)
        {
            throw Invalid(oci, $"{digest} is not an image manifest (schemaVersion {manifest.SchemaVersion}, mediaType {manifest.MediaType ?? "none"}, {(manifest.Layers is null ? "no" : "with")} layers)");
        }

        var credential = client.Authorization is null ? null : Credential.Of(client.Authorization);
        var files = LayerFiles.From(manifest, oci, client, credential, where);
        var config = manifest.Config;
        return new ResolvedModel
        {
            Name = model.Name,
            Version = "sha256-" + digest["sha256:".Length..],
            Source = sourceKey,
            Files = files,
            BeforeFetch = config is null ? null : c => CheckConfigAsync(config, where, c),
        };
    }

    private async Task<(OciManifest Manifest, string Digest)> ManifestAsync(OciReference oci, string reference, string? expected, CancellationToken ct)
    {
        var url = client.ManifestUrl(reference);
        var answer = await client.GetAsync(url, OciMediaTypes.Accept, ct);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(answer.Body));
        if (expected is not null && digest != expected)
        {
            throw new DownloadException(FailureReason.ChecksumMismatch, $"{HttpSource.Redact(url)}: the manifest's sha256 is {digest}, not the {expected} asked for", transient: false);
        }

        if (answer.DigestHeader is { } header && header.StartsWith("sha256:", StringComparison.Ordinal) && header != digest)
        {
            throw new DownloadException(FailureReason.ChecksumMismatch, $"{HttpSource.Redact(url)}: the manifest's sha256 is {digest}, the registry says {header}", transient: false);
        }

        // Unparsable: a proxy's error page or a cut body look like this too.
        var error = RegistryClient.TryParse(answer.Body, out var manifest);
        if (manifest is null)
        {
            throw Invalid(oci, $"{HttpSource.Redact(url)} is not a manifest's JSON: {error?.Message ?? "null"}", transient: true);
        }

        return (manifest with { MediaType = manifest.MediaType ?? answer.MediaType }, digest);
    }

    private async Task CheckConfigAsync(OciDescriptor config, string where, CancellationToken ct)
    {
        var url = client.BlobUrl(config.Digest ?? "");
        if (LayerFiles.Sha256Hex(config.Digest) is null || config.Size is < 0 or > RegistryClient.MaxDocumentBytes)
        {
            throw new DownloadException(FailureReason.SourceInvalid, $"{where}: config {config.Digest} ({config.Size} bytes) is not a sha256 blob of at most {RegistryClient.MaxDocumentBytes} bytes", transient: false);
        }

        var body = (await client.GetAsync(url, null, ct)).Body;
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        if (digest != config.Digest || body.Length != config.Size)
        {
            throw new DownloadException(FailureReason.ChecksumMismatch, $"{where}: config {HttpSource.Redact(url)} is {body.Length} bytes with sha256 {digest}, the manifest says {config.Size} bytes, {config.Digest}", transient: false);
        }
    }

    private static DownloadException Invalid(OciReference oci, string why, bool transient = false) =>
        new(FailureReason.SourceInvalid, $"{oci}: {why}", transient);
}

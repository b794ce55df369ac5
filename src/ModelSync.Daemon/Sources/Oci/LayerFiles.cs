using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>
/// A manifest's layers as the engine's files. A raw layer is the file named by <c>org.cncf.model.filepath</c>
/// (ModelPack), else <c>org.opencontainers.image.title</c> (ORAS), else its media type (Ollama, Docker model
/// artifacts); its blob digest is the file's sha256, so the engine verifies, resumes and reuses it by content.
/// A tar layer is fetched as a blob below <see cref="LayerDir"/> and unpacked into the version (entries the
/// filters keep); the blob's digest is checked before a byte of it is unpacked.
/// </summary>
internal static class LayerFiles
{
    /// <summary>Where tar blobs are staged: reserved, so no file of a model can be named like one.</summary>
    public const string LayerDir = ".modelsync-layers";

    public static List<ResolvedFile> From(OciManifest manifest, OciReference oci, RegistryClient client, Credential? credential, string where)
    {
        var files = new List<ResolvedFile>();
        var byCase = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var layers = manifest.Layers ?? [];
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var about = $"{where}: layer {i} ({layer.MediaType ?? "no mediaType"}, {layer.Digest})";
            var hex = Sha256Hex(layer.Digest) ?? throw Refused($"{about}: the digest is not sha256:<64 hex>");
            if (layer.Size < 0)
            {
                throw Refused($"{about}: size {layer.Size}");
            }

            var format = OciMediaTypes.FormatOf(layer) ?? throw Refused($"{about}: zstd-compressed layers are not supported (push it as tar+gzip or raw)");
            var blob = client.BlobUrl(layer.Digest!);
            if (format != LayerFormat.Raw)
            {
                var path = $"{LayerDir}/{hex}{(format == LayerFormat.TarGzip ? ".tar.gz" : ".tar")}";
                if (byCase.TryAdd(path, path))
                {
                    var spec = new FileSpec { Path = path, Url = blob, Size = layer.Size, Sha256 = hex };
                    files.Add(new ResolvedFile(spec, credential) { Unpack = new ArchiveUnpack(format, p => PathFilter.Selected(p, oci.Include, oci.Exclude), about) });
                }

                continue;
            }

            var name = Annotation(layer, OciMediaTypes.FilePathAnnotation) ?? Annotation(layer, OciMediaTypes.TitleAnnotation) ?? Numbered(OciMediaTypes.NameOf(layer.MediaType), byCase)
                ?? throw Refused($"{about}: no {OciMediaTypes.FilePathAnnotation} or {OciMediaTypes.TitleAnnotation} annotation names its file");
            if ((SafePath.CheckRelative(name) ?? StoreLayout.ReservedProblem(name)) is { } unsafePath)
            {
                throw Refused($"{about}: '{name}' cannot be stored: {unsafePath}");
            }

            if (!PathFilter.Selected(name, oci.Include, oci.Exclude))
            {
                continue;
            }

            if (!byCase.TryAdd(name, name))
            {
                throw Refused($"{about}: '{name}' is also '{byCase[name]}' (the same path, or one differing only by case)");
            }

            files.Add(new ResolvedFile(new FileSpec { Path = name, Url = blob, Size = layer.Size, Sha256 = hex }, credential));
        }

        return files.Count > 0
            ? files
            : throw Refused($"{where}: include/exclude leave none of its {layers.Count} layers");
    }

    public static string? Sha256Hex(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith("sha256:", StringComparison.Ordinal) && digest[7..].All(c => char.IsAsciiHexDigitLower(c)) ? digest[7..] : null;

    private static string? Annotation(OciDescriptor layer, string key) =>
        layer.Annotations?.GetValueOrDefault(key) is { Length: > 0 } value ? value.TrimEnd('/') : null;

    /// <summary>Ollama manifests may carry several license layers: license, license-2, …</summary>
    private static string? Numbered(string? name, Dictionary<string, string> taken)
    {
        if (name is null || !taken.ContainsKey(name))
        {
            return name;
        }

        var n = 2;
        while (taken.ContainsKey($"{name}-{n}"))
        {
            n++;
        }

        return $"{name}-{n}";
    }

    private static DownloadException Refused(string message) => new(FailureReason.SourceInvalid, message, transient: false);
}

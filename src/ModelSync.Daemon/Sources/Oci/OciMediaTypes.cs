namespace ModelSync.Daemon.Sources.Oci;

/// <summary>The media types resolution tells apart, and what a layer's type says about unpacking it.</summary>
internal static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Every manifest kind read, OCI first: a registry that holds both forms answers with the first.</summary>
    public const string Accept = $"{ImageManifest}, {ImageIndex}, {DockerManifest}, {DockerManifestList}";

    public const string FilePathAnnotation = "org.cncf.model.filepath";
    public const string TitleAnnotation = "org.opencontainers.image.title";

    public static bool IsIndex(string? mediaType) => mediaType is ImageIndex or DockerManifestList;

    public const string OrasUnpackAnnotation = "io.deis.oras.content.unpack";

    /// <summary>How a layer is stored: raw bytes (the file), a tar, or a gzip'd tar (ModelPack <c>…tar</c>,
    /// <c>…tar+gzip</c>, KitOps' <c>…tar+gzip</c>, Docker's <c>rootfs.diff.tar.gzip</c>); null for a compression this
    /// daemon does not read (zstd). ORAS pushes a plain file as <c>application/vnd.oci.image.layer.v1.tar</c> with a
    /// title: a generic image-layer type with a title is the file itself unless ORAS marked it to unpack (a directory).</summary>
    public static LayerFormat? FormatOf(OciDescriptor layer)
    {
        var type = layer.MediaType ?? "";
        if (type.StartsWith("application/vnd.oci.image.layer.", StringComparison.Ordinal)
            && layer.Annotations?.GetValueOrDefault(TitleAnnotation) is { Length: > 0 }
            && layer.Annotations.GetValueOrDefault(OrasUnpackAnnotation) != "true")
        {
            return LayerFormat.Raw;
        }

        if (type.EndsWith("+zstd", StringComparison.Ordinal) || type.EndsWith(".zstd", StringComparison.Ordinal))
        {
            return null;
        }

        if (type.EndsWith("tar+gzip", StringComparison.Ordinal) || type.EndsWith("tar.gzip", StringComparison.Ordinal)
            || type.EndsWith(".tar.gz", StringComparison.Ordinal) || type == "application/vnd.oci.image.layer.v1.tar+gzip")
        {
            return LayerFormat.TarGzip;
        }

        return type.EndsWith(".tar", StringComparison.Ordinal) || type.EndsWith("+tar", StringComparison.Ordinal) || type == "application/vnd.oci.image.layer.v1.tar"
            ? LayerFormat.Tar
            : LayerFormat.Raw;
    }

    /// <summary>File names for layers that carry no path annotation: Ollama's and Docker Model Runner's types.</summary>
    public static string? NameOf(string? mediaType) => mediaType switch
    {
        "application/vnd.ollama.image.model" => "model.gguf",
        "application/vnd.ollama.image.projector" => "projector.gguf",
        "application/vnd.ollama.image.adapter" => "adapter.gguf",
        "application/vnd.ollama.image.template" => "template",
        "application/vnd.ollama.image.system" => "system",
        "application/vnd.ollama.image.params" => "params",
        "application/vnd.ollama.image.license" => "license",
        "application/vnd.ollama.image.messages" => "messages",
        "application/vnd.docker.ai.gguf.v3" => "model.gguf",
        "application/vnd.docker.ai.license" => "LICENSE",
        _ => null,
    };
}

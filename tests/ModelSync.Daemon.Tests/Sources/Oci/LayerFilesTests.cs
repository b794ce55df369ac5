using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Daemon.Sources.Oci;

namespace ModelSync.Daemon.Tests.Sources.Oci;

/// <summary>Which layer is a file, which is unpacked, and what it is named.</summary>
public sealed class LayerFilesTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static OciDescriptor Layer(string mediaType, params (string Key, string Value)[] annotations) => new()
    {
        MediaType = mediaType,
        Digest = "sha256:" + Hex,
        Size = 10,
        Annotations = annotations.Length == 0 ? null : annotations.ToDictionary(a => a.Key, a => a.Value),
    };

    private static List<ResolvedFile> Files(OciReference? oci = null, params OciDescriptor[] layers)
    {
        var reference = oci ?? new OciReference("reg:5000", "m/bert", "v1", null);
        var client = new RegistryClient(new HttpSource(new HttpClient()), new Uri("http://reg:5000/"), reference.Repository, null, TimeSpan.FromSeconds(1), TimeProvider.System);
        return LayerFiles.From(new OciManifest { SchemaVersion = 2, Layers = [.. layers] }, reference, client, null, "oci://reg:5000/m/bert:v1");
    }

    [Theory]
    [InlineData("application/vnd.cncf.model.weight.v1.raw", "Raw")]
    [InlineData("application/vnd.cncf.model.weight.v1.tar", "Tar")]
    [InlineData("application/vnd.cncf.model.weight.v1.tar+gzip", "TarGzip")]
    [InlineData("application/vnd.kitops.modelkit.model.v1.tar+gzip", "TarGzip")]
    [InlineData("application/vnd.docker.image.rootfs.diff.tar.gzip", "TarGzip")]
    [InlineData("application/vnd.oci.image.layer.v1.tar+gzip", "TarGzip")]
    [InlineData("application/vnd.ollama.image.model", "Raw")]
    public void FormatOf_MediaType_HowTheLayerIsStored(string mediaType, string format) =>
        Assert.Equal(format, OciMediaTypes.FormatOf(Layer(mediaType)).ToString());

    [Fact]
    public void FormatOf_OrasFileAndOrasDirectory_RawUnlessMarkedToUnpack()
    {
        Assert.Equal(LayerFormat.Raw, OciMediaTypes.FormatOf(Layer("application/vnd.oci.image.layer.v1.tar", ("org.opencontainers.image.title", "model.gguf"))));
        Assert.Equal(LayerFormat.TarGzip, OciMediaTypes.FormatOf(Layer("application/vnd.oci.image.layer.v1.tar+gzip",
            ("org.opencontainers.image.title", "weights"), ("io.deis.oras.content.unpack", "true"))));
        Assert.Null(OciMediaTypes.FormatOf(Layer("application/vnd.cncf.model.weight.v1.tar+zstd")));
    }

    [Fact]
    public void From_RawLayers_PathFromFilepathThenTitleThenMediaTypeAndBlobDigestAsSha256()
    {
        var files = Files(null,
            Layer("application/vnd.cncf.model.weight.v1.raw", ("org.cncf.model.filepath", "w/model.safetensors"), ("org.opencontainers.image.title", "ignored")),
            Layer("text/plain", ("org.opencontainers.image.title", "NOTICE")) with { Digest = "sha256:" + new string('a', 64) },
            Layer("application/vnd.ollama.image.license") with { Digest = "sha256:" + new string('b', 64) },
            Layer("application/vnd.ollama.image.license") with { Digest = "sha256:" + new string('c', 64) });

        Assert.Equal(["w/model.safetensors", "NOTICE", "license", "license-2"], files.Select(f => f.Spec.Path));
        Assert.Equal(Hex, files[0].Spec.Sha256);
        Assert.Equal(new Uri($"http://reg:5000/v2/m/bert/blobs/sha256:{Hex}"), files[0].Spec.Url);
        Assert.All(files, f => Assert.Null(f.Unpack));
    }

    [Fact]
    public void From_TarLayer_StagedAsAReservedBlobAndUnpackedWithTheFilters()
    {
        Assert.Null(OciReference.TryParse("oci://reg:5000/m/bert:v1", out var oci));
        var files = Files(oci! with { Exclude = ["*.onnx"] }, Layer("application/vnd.cncf.model.weight.v1.tar", ("org.cncf.model.filepath", "weights")));

        var file = Assert.Single(files);
        Assert.Equal($".modelsync-layers/{Hex}.tar", file.Spec.Path);
        Assert.True(file.Unpack!.Selected("weights/a.bin"));
        Assert.False(file.Unpack.Selected("weights/a.onnx"));
    }

    [Theory]
    [InlineData("../etc/passwd", "cannot be stored")]
    [InlineData("/abs", "cannot be stored")]
    [InlineData(".modelsync/x", "cannot be stored")]
    public void From_UnsafeAnnotatedPath_SourceInvalid(string path, string why)
    {
        var error = Assert.Throws<DownloadException>(() => Files(null, Layer("application/vnd.cncf.model.weight.v1.raw", ("org.cncf.model.filepath", path))));

        Assert.Equal(FailureReason.SourceInvalid, error.Reason);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_RawLayerWithoutAName_SourceInvalidNamingTheLayer()
    {
        var error = Assert.Throws<DownloadException>(() => Files(null, Layer("application/octet-stream")));

        Assert.Contains("layer 0 (application/octet-stream", error.Message, StringComparison.Ordinal);
        Assert.Contains("no org.cncf.model.filepath or org.opencontainers.image.title", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_IndexOfPlatformsAndAnArtifact_TheArtifact()
    {
        var index = new OciManifest
        {
            SchemaVersion = 2,
            Manifests =
            [
                new() { MediaType = OciMediaTypes.ImageManifest, Digest = "sha256:" + new string('1', 64), Platform = new() { Os = "linux", Architecture = "s390x" } },
                new() { MediaType = OciMediaTypes.ImageManifest, Digest = "sha256:" + new string('2', 64) },
            ],
        };

        Assert.Equal("sha256:" + new string('2', 64), IndexChoice.Pick(index, "x").Digest);
        var platforms = index with { Manifests = [index.Manifests[0], index.Manifests[0] with { Platform = new() { Os = "windows", Architecture = "amd64" } }] };
        Assert.Contains("s390x", Assert.Throws<DownloadException>(() => IndexChoice.Pick(platforms, "x")).Message, StringComparison.Ordinal);
    }
}

using ModelSync.Daemon.Manifest;
using Xunit;
using ModelSync.Daemon.Sources.Hub;
using ModelSync.Daemon.Sources.S3;

namespace ModelSync.Daemon.Tests.Manifest;

public sealed class S3ManifestTests
{
    [Fact]
    public void Load_S3Model_SourceFiltersDigestsVerifyAndSettings()
    {
        var result = ManifestLoaderTests.Load("""
            store: { root: /var/lib/modelsync }
            sync:
              s3: { endpoint: "http://minio.storage:9000", region: eu-west-1, forcePathStyle: false }
            models:
              - name: llm
                source: s3://ml-models/llama/
                exclude: ["*.onnx"]
                verify: size
                digests:
                  - { path: config.json, sha256: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 }
              - name: one
                source: s3://ml-models/e5/model.gguf?versionId=abc
            """);

        Assert.Empty(result.Problems);
        var manifest = result.Manifest!;
        Assert.Equal((new Uri("http://minio.storage:9000"), "eu-west-1", (bool?)false), (manifest.Sync.Source<S3Settings>().Endpoint, manifest.Sync.Source<S3Settings>().Region, manifest.Sync.Source<S3Settings>().ForcePathStyle));
        var llm = manifest.Models[0];
        var s3 = Assert.IsType<S3Spec>(llm.Source);
        Assert.Equal(("ml-models", "llama/", true, ""), (s3.Reference.Bucket, s3.Reference.Prefix, s3.VerifySizeOnly, llm.Version));
        Assert.Equal(["*.onnx"], s3.Reference.Exclude);
        Assert.Equal(new KnownDigest("config.json", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", null), Assert.Single(s3.Digests));
        Assert.Equal("s3://ml-models/llama/?exclude=*.onnx", llm.SourceKey);
        var one = Assert.IsType<S3Spec>(manifest.Models[1].Source).Reference;
        Assert.Equal(("e5/model.gguf", "abc", false), (one.Prefix, one.VersionId, one.IsPrefix));
        Assert.IsNotType<HubSpec>(manifest.Models[1].Source);
    }
}

using ModelSync.Daemon.Manifest;
using Xunit;

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
        Assert.Equal((new Uri("http://minio.storage:9000"), "eu-west-1", (bool?)false), (manifest.Sync.S3.Endpoint, manifest.Sync.S3.Region, manifest.Sync.S3.ForcePathStyle));
        var llm = manifest.Models[0];
        Assert.Equal(("ml-models", "llama/", true, ""), (llm.S3!.Bucket, llm.S3.Prefix, llm.VerifySizeOnly, llm.Version));
        Assert.Equal(["*.onnx"], llm.S3.Exclude);
        Assert.Equal(new KnownDigest("config.json", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", null), Assert.Single(llm.Digests));
        Assert.Equal("s3://ml-models/llama/?exclude=*.onnx", llm.SourceKey);
        Assert.Equal(("e5/model.gguf", "abc", false), (manifest.Models[1].S3!.Prefix, manifest.Models[1].S3!.VersionId, manifest.Models[1].S3!.IsPrefix));
        Assert.Null(manifest.Models[1].Hub);
    }
}

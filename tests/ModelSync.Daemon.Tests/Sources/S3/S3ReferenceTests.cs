using ModelSync.Daemon.Sources.S3;
using Xunit;

namespace ModelSync.Daemon.Tests.Sources.S3;

public sealed class S3ReferenceTests
{
    [Theory]
    [InlineData("s3://models/llama/", "models", "llama/", null, true)]
    [InlineData("s3://models", "models", "", null, true)]
    [InlineData("s3://my.bucket-1/a/b/model.gguf?versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY", "my.bucket-1", "a/b/model.gguf", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", false)]
    public void TryParse_Valid_GivesBucketPrefixAndVersion(string text, string bucket, string prefix, string? versionId, bool isPrefix)
    {
        Assert.Null(S3Reference.TryParse(text, out var reference));
        Assert.Equal((bucket, prefix, versionId, isPrefix), (reference!.Bucket, reference.Prefix, reference.VersionId, reference.IsPrefix));
    }

    [Theory]
    [InlineData("s3://Models/x/", "bucket name")]
    [InlineData("s3://ab/x/", "bucket name")]
    [InlineData("s3://models/a/../b/", "'..'")]
    [InlineData("s3://models/a//b", "empty")]
    [InlineData("s3://models/llama/?versionId=1", "pins one object")]
    [InlineData("s3://models/a.bin?prefix=x", "only query")]
    [InlineData("hf://models/a", "must be s3://")]
    public void TryParse_Invalid_SaysWhy(string text, string why) =>
        Assert.Contains(why, S3Reference.TryParse(text, out _), StringComparison.Ordinal);

    [Fact]
    public void PathOf_PrefixOrKey_IsThePathInTheModel()
    {
        Assert.Equal("tokenizer/vocab.txt", new S3Reference("b", "m/", null).PathOf("m/tokenizer/vocab.txt"));
        Assert.Equal("model.gguf", new S3Reference("b", "a/model.gguf", null).PathOf("a/model.gguf"));
    }

    [Fact]
    public void Key_WithFilters_NamesThem() =>
        Assert.Equal("s3://b/m/?include=*.json&exclude=onnx/*", (new S3Reference("b", "m/", null) with { Include = ["*.json"], Exclude = ["onnx/*"] }).Key);
}

using ModelSync.Daemon.Sources.Oci;

namespace ModelSync.Daemon.Tests.Sources.Oci;

public sealed class OciReferenceTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("oci://registry.local:5000/models/bert:v1", "registry.local:5000", "models/bert", "v1", null)]
    [InlineData("oci://ghcr.io/acme/llama-3/gguf:q4_k_m", "ghcr.io", "acme/llama-3/gguf", "q4_k_m", null)]
    [InlineData("oci://127.0.0.1:5000/bert", "127.0.0.1:5000", "bert", "latest", null)]
    [InlineData($"oci://reg/models/bert@{Digest}", "reg", "models/bert", null, Digest)]
    [InlineData($"oci://reg/models/bert:v1@{Digest}", "reg", "models/bert", "v1", Digest)]
    [InlineData("ollama://llama3.2:1b", "registry.ollama.ai", "library/llama3.2", "1b", null)]
    [InlineData("ollama://acme/tiny", "registry.ollama.ai", "acme/tiny", "latest", null)]
    public void TryParse_ValidReference_RegistryRepositoryAndReference(string text, string registry, string repository, string? tag, string? digest)
    {
        Assert.Null(OciReference.TryParse(text, out var reference));
        Assert.Equal(registry, reference!.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(digest ?? tag, reference.Reference);
    }

    [Theory]
    [InlineData("docker://reg/bert:v1", "must be oci://HOST[:PORT]/REPO:TAG")]
    [InlineData("oci://reg", "'' is not a registry HOST")]
    [InlineData("oci://reg/", "'' is not a repository name")]
    [InlineData("oci://reg/../etc:v1", "'../etc' is not a repository name")]
    [InlineData("oci://reg/Models/bert:v1", "'Models/bert' is not a repository name")]
    [InlineData("oci://user:pw@reg/bert:v1", "'reg/bert:v1' is not a digest")]
    [InlineData("oci://reg/bert:", "'' is not a tag")]
    [InlineData("oci://reg/bert@sha512:abcd", "'sha512:abcd' is not a digest")]
    [InlineData("oci://reg_x/bert:v1", "'reg_x' is not a registry HOST")]
    public void TryParse_Invalid_SaysWhy(string text, string expected)
    {
        Assert.StartsWith(expected, OciReference.TryParse(text, out var reference), StringComparison.Ordinal);
        Assert.Null(reference);
    }

    [Fact]
    public void Key_WithFilters_RecordsThemLikeTheHub()
    {
        Assert.Null(OciReference.TryParse("oci://reg:5000/m/bert:v1", out var reference));

        var key = (reference! with { Include = ["*.json", "weights/*"], Exclude = ["*.onnx"] }).Key;

        Assert.Equal("oci://reg:5000/m/bert:v1?include=*.json,weights/*&exclude=*.onnx", key);
        Assert.Equal("ollama://llama3.2:1b", OciReference.TryParse("ollama://llama3.2:1b", out var ollama) ?? ollama!.Key);
    }
}

using ModelSync.Daemon.Sources.Hub;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Tests.Sources.Hub;

/// <summary>include/exclude as huggingface_hub's allow_patterns/ignore_patterns: '*' crosses '/'.</summary>
public sealed class HubResolverTests
{
    private static readonly string[] Repo =
        ["config.json", "model.safetensors", "onnx/model.onnx", "onnx/config.json", "tokenizer/vocab.txt", "README.md", ".gitattributes"];

    private static string[] Selected(string[] include, string[] exclude)
    {
        var hub = new HubReference("org/repo", "main") { Include = include, Exclude = exclude };
        return [.. Repo.Where(p => HubResolver.Selected(p, hub))];
    }

    [Fact]
    public void Selected_NoPatterns_EveryFile() => Assert.Equal(Repo, Selected([], []));

    [Fact]
    public void Selected_StarPattern_MatchesInSubdirectoriesToo() =>
        Assert.Equal(["config.json", "onnx/config.json"], Selected(["*.json"], []));

    [Fact]
    public void Selected_ExcludeWinsOverInclude() =>
        Assert.Equal(["config.json"], Selected(["*.json"], ["onnx/*"]));

    [Fact]
    public void Selected_ExcludeOnly_DropsJustThose() =>
        Assert.Equal(["config.json", "model.safetensors", "tokenizer/vocab.txt"], Selected([], ["onnx/*", "*.md", ".git*"]));

    [Fact]
    public void Selected_CaseMatters_AsOnTheHub() => Assert.Empty(Selected(["*.JSON"], []));
}

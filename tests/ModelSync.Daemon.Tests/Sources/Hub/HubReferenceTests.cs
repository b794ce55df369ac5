using ModelSync.Daemon.Sources.Hub;

namespace ModelSync.Daemon.Tests.Sources.Hub;

public sealed class HubReferenceTests
{
    [Theory]
    [InlineData("hf://distilbert/distilbert-base-uncased-finetuned-sst-2-english@714eb0f", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "714eb0f")]
    [InlineData("hf://sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "main")]
    [InlineData("hf://gpt2@v1.0", "gpt2", "v1.0")]
    [InlineData("hf://org/repo@refs/pr/1", "org/repo", "refs/pr/1")]
    public void TryParse_ValidReference_RepoAndRevision(string text, string repo, string revision)
    {
        Assert.Null(HubReference.TryParse(text, out var reference));
        Assert.Equal(repo, reference!.Repo);
        Assert.Equal(revision, reference.Revision);
        Assert.Equal(text.Contains('@', StringComparison.Ordinal) ? text : text + "@main", reference.ToString());
    }

    [Theory]
    [InlineData("https://huggingface.co/org/repo", "must be hf://ORG/REPO[@REVISION]")]
    [InlineData("hf://org/repo/extra", "'org/repo/extra' is not a hub repository id")]
    [InlineData("hf://../etc", "'../etc' is not a hub repository id")]
    [InlineData("hf://org/re--po", "'org/re--po' is not a hub repository id")]
    [InlineData("hf://org/repo@", "'' is not a branch, tag or commit")]
    [InlineData("hf://org/repo@../../x", "'../../x' is not a branch, tag or commit")]
    [InlineData("hf://org/repo@a b", "'a b' is not a branch, tag or commit")]
    public void TryParse_Invalid_SaysWhy(string text, string expected)
    {
        Assert.StartsWith(expected, HubReference.TryParse(text, out var reference), StringComparison.Ordinal);
        Assert.Null(reference);
    }
}

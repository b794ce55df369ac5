using ModelSync.Store.Text;

namespace ModelSync.Daemon.Tests.Manifest;

/// <summary>A misspelt key: "did you mean" by edit distance, and one problem, not the ones its absence would add.</summary>
public sealed class ManifestSpellingTests
{
    private const string Xxh = "xxh128: 0123456789abcdef0123456789abcdef";
    private const string Sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static string[] Problems(string yaml) =>
        [.. ManifestLoaderTests.Load(yaml).Problems.Select(p => p.ToString())];

    [Theory]
    [InlineData("store:\n  root: /s\n  capasity: 1Gi\nmodels: []", "t.yaml:3:3: store.capasity: unknown key; did you mean 'capacity'?")]
    [InlineData("sync:\n  intervall: 5m\nmodels: []", "t.yaml:2:3: sync.intervall: unknown key; did you mean 'interval'?")]
    [InlineData("models:\n  - name: m\n    verison: v1\n    files:\n      - { path: a, size: 1, " + Xxh + ", url: http://h/a }",
        "t.yaml:3:5: models[0].verison: unknown key; did you mean 'version'?")]
    [InlineData("models:\n  - name: m\n    version: v1\n    files:\n      - { path: a, size: 1, url: http://h/a, sha: " + Sha + " }",
        "t.yaml:5:46: models[0].files[0].sha: unknown key; did you mean 'sha256'?")]
    [InlineData("models:\n  - name: m\n    source: s3://bucket/m/\n    digests:\n      - { path: a, sha: " + Sha + " }",
        "t.yaml:5:20: models[0].digests[0].sha: unknown key; did you mean 'sha256'?")]
    public void Load_MisspeltKey_OneProblemWithTheKeyItMeant(string yaml, string problem) =>
        Assert.Equal([problem], Problems(yaml));

    [Fact]
    public void Load_MisspeltBaseUrl_OneProblemNotOnePerFile()
    {
        var yaml = "models:\n  - name: m\n    version: v1\n    baseurl: http://h/m/\n    files:\n"
            + $"      - {{ path: a, size: 1, {Xxh} }}\n      - {{ path: b, size: 1, {Xxh} }}\n      - {{ path: c, size: 1, {Xxh} }}";

        Assert.Equal(["t.yaml:4:5: models[0].baseurl: unknown key; did you mean 'baseUrl'?"], Problems(yaml));
    }

    [Fact]
    public void Load_KeyFarFromEveryKnownOne_KeyListNotAGuess() =>
        // The list itself grows with the sync section; only its start is pinned here.
        Assert.StartsWith("t.yaml:2:3: sync.colour: unknown key; expected one of: interval, concurrency, retry, ",
            Assert.Single(Problems("sync:\n  colour: red\nmodels: []")), StringComparison.Ordinal);

    [Theory]
    [InlineData("capasity", "capacity", 1)]
    [InlineData("verison", "version", 1)] // a swap of two letters is one typo
    [InlineData("baseurl", "baseUrl", 0)] // case is ignored
    [InlineData("url", "size", 4)]
    public void Distance_Typos_Counted(string written, string known, int distance) =>
        Assert.Equal(distance, Spelling.Distance(written, known));

    [Fact]
    public void Nearest_ShortKeyTwoTyposAway_NoGuess() =>
        Assert.Null(Spelling.Nearest("urk2", ["url"]));

    [Theory]
    [InlineData("sha", "sha256")] // cut short: too far for a typo, but it starts one known key only
    [InlineData("xxh", "xxh128")]
    [InlineData("SHA", "sha256")]
    public void Nearest_KeyCutShort_TheOneKeyItStarts(string written, string meant) =>
        Assert.Equal(meant, Spelling.Nearest(written, ["path", "url", "size", "sha256", "xxh128"]));

    [Fact]
    public void Nearest_PrefixOfTwoKeys_NoGuess() =>
        Assert.Null(Spelling.Nearest("segment", ["segmentSize", "segmentsPerFile"]));
}

using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Tests.Manifest;

/// <summary>Structure rather than values: unknown and duplicate keys, YAML syntax, document shape.</summary>
public sealed class ManifestSyntaxTests
{
    private static string[] Problems(string yaml) =>
        [.. ManifestLoaderTests.Load(yaml).Problems.Select(p => p.ToString())];

    [Fact]
    public void Load_UnknownKeys_EachReportedWithHintOrExpectedKeys()
    {
        Assert.Equal(
        [
            "t.yaml:1:1: Store: unknown key; did you mean 'store'?",
            "t.yaml:3:3: sync.retries: unknown key; expected one of: interval, concurrency, retry, stallTimeout, bandwidthLimit, proxy, hfEndpoint, hfFallback, verifyInterval, segmentSize, segmentsPerFile, allowedFileRoots, requireSignatures, insecureRegistries, dockerConfigFile, s3",
        ], Problems("Store: {}\nsync:\n  retries: 3\nmodels: []"));
    }

    [Fact]
    public void Load_UnknownKeyInFile_Reported()
    {
        var yaml = "models:\n  - name: m\n    version: v1\n    files:\n      - { path: a, size: 1, md5: x, xxh128: 0123456789abcdef0123456789abcdef, url: http://h/a }";

        Assert.Equal(["t.yaml:5:29: models[0].files[0].md5: unknown key; expected one of: path, url, size, sha256, xxh128"], Problems(yaml));
    }

    [Fact]
    public void Load_DuplicateKey_ReportedAlongsideOtherProblems()
    {
        Assert.Equal(
        [
            "t.yaml:2:9: store.root: must be an absolute path, got 'a'",
            "t.yaml:3:3: store.root: duplicate key (first at line 2, column 3)",
        ], Problems("store:\n  root: a\n  root: /b\nmodels: []"));
    }

    [Theory]
    [InlineData("store:\n  root: \"/x\nmodels: []", "t.yaml:2:9: invalid YAML: While scanning a multi-line double-quoted scalar, found wrong indentation.")]
    [InlineData("store:\n\troot: /x\nmodels: []", "t.yaml:2:1: invalid YAML: While scanning a mapping, found invalid tab as indentation.")]
    [InlineData("models: [1,\nx: 2", "t.yaml:1:11: invalid YAML near here: the parser gave up (look for an unclosed bracket or quote)")]
    [InlineData("models: *nowhere", "t.yaml:1:9: invalid YAML: unknown alias '*nowhere'")]
    [InlineData("", "t.yaml:1:1: the manifest is empty")]
    [InlineData("# only a comment\n", "t.yaml:1:1: the manifest is empty")]
    [InlineData("- models", "t.yaml:1:1: the manifest must be a mapping with store, sync and models, not a list")]
    [InlineData("models: []\n---\nmodels: []", "t.yaml:2:1: only one YAML document is allowed")]
    [InlineData("? [a]\n: 1\nmodels: []", "t.yaml:1:3: a key must be a plain string, not a list")]
    public void Load_BrokenDocument_OneProblemWithPosition(string yaml, string expected)
    {
        Assert.Equal([expected], Problems(yaml));
    }

    [Fact]
    public void Load_AnchorsAndAliases_Resolved()
    {
        var yaml = """
            models:
              - name: a
                version: v1
                files: &files [{ path: x, size: 1, xxh128: 0123456789abcdef0123456789abcdef, url: http://h/x }]
              - name: b
                version: v1
                files: *files
            """;

        var manifest = ManifestLoaderTests.Load(yaml).Manifest!;

        Assert.Equal(manifest.Models[0].Files, manifest.Models[1].Files);
    }

    [Fact]
    public void Load_AliasBomb_RefusedAtTheAliasThatExplodesWithoutExpanding()
    {
        // "Billion laughs": nine levels of ten aliases each would be 10^9 nodes if anything walked them.
        var yaml = new System.Text.StringBuilder("lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"lol{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        }

        var result = ManifestLoaderTests.Load(yaml + "models: []");

        Assert.Null(result.Manifest);
        Assert.Equal(["t.yaml:6:7: aliases expand this document to more than 1,000,000 nodes; refused as a YAML alias bomb"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Load_NestedTwentyThousandDeep_RefusedNotAStackOverflow()
    {
        var yaml = "models: " + new string('[', 20_000) + new string(']', 20_000);

        var result = ManifestLoaderTests.Load(yaml);

        Assert.Null(result.Manifest);
        Assert.Equal(["t.yaml:1:73: nested more than 64 levels deep; refused"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Load_FileLargerThanAConfigMap_RefusedWithoutParsing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"modelsync-big-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var file = File.Create(path))
            {
                file.Write("models: []\n# "u8);
                file.SetLength(10L << 20);
            }

            var result = ManifestLoader.Load(path, SourceKinds.Create().Syntax);

            Assert.Null(result.Manifest);
            Assert.Equal([$"{path}: the manifest is larger than 1 MiB, the most a ConfigMap holds; it is not parsed"], result.Problems.Select(p => p.ToString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ProblemToString_WithAndWithoutFieldAndPosition()
    {
        Assert.Equal("m.yaml:3:7: sync.proxy: bad", new ManifestProblem("m.yaml", 3, 7, "sync.proxy", "bad").ToString());
        Assert.Equal("m.yaml:1:2: bad", new ManifestProblem("m.yaml", 1, 2, "", "bad").ToString());
        Assert.Equal("m.yaml: bad", new ManifestProblem("m.yaml", 0, 0, "", "bad").ToString());
    }
}

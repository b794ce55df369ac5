namespace ModelSync.Daemon.Tests.Manifest;

/// <summary><c>store.pinGrace</c> (docs/manifest.md): a duration, default 5m, <c>0</c> = at the next GC.</summary>
public sealed class PinGraceTests
{
    [Theory]
    [InlineData("", 300)]
    [InlineData("\n  pinGrace: 0", 0)]
    [InlineData("\n  pinGrace: 30s", 30)]
    [InlineData("\n  pinGrace: 1h", 3600)]
    public void Load_PinGrace_Parsed(string line, int seconds)
    {
        var result = ManifestLoaderTests.Load("store:\n  keepVersions: 1" + line + "\nmodels: []");

        Assert.Empty(result.Problems);
        Assert.Equal(TimeSpan.FromSeconds(seconds), result.Manifest!.Store.PinGrace);
    }

    [Theory]
    [InlineData("5 minutes", "t.yaml:2:13: store.pinGrace: ")]
    [InlineData("-1s", "t.yaml:2:13: store.pinGrace: ")]
    [InlineData("\"\"", "t.yaml:2:13: store.pinGrace: ")]
    public void Load_PinGraceNotADuration_OneProblemAtItsPosition(string value, string prefix)
    {
        var result = ManifestLoaderTests.Load($"store:\n  pinGrace: {value}\nmodels: []");

        Assert.Null(result.Manifest);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith(prefix, problem.ToString(), StringComparison.Ordinal);
    }
}

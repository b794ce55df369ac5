using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Tests.Manifest.Yaml;

/// <summary>Duplicate keys are found by a scan in a small mapping and by a dictionary in a large one (issue 33:
/// no dictionary per file entry); both report the same problem.</summary>
public sealed class MappingReaderTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void Constructor_DuplicateKey_ReportedWithTheFirstOccurrence(int keys)
    {
        var yaml = string.Concat(Enumerable.Range(0, keys).Select(i => $"k{i}: {i}\n")) + "k1: again\n";
        var problems = new ProblemList("t.yaml");
        var map = (YMapping)new YamlTreeReader(problems).Read(yaml)!;

        _ = new MappingReader(map, "models", 2, problems);

        var problem = Assert.Single(problems.Sorted());
        Assert.Equal($"t.yaml:{keys + 1}:1: models[2].k1: duplicate key (first at line 2, column 1)", problem.ToString());
    }
}

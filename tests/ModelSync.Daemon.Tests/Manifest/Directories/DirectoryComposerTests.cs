using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Directories;
using ModelSync.Daemon.Sources;
using static ModelSync.Daemon.Tests.Manifest.Directories.ManifestTexts;

namespace ModelSync.Daemon.Tests.Manifest.Directories;

/// <summary>A directory read strictly, as <c>validate DIR</c> and <c>sync</c> read it.</summary>
public sealed class DirectoryComposerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ManifestLoadResult Load(Dictionary<string, string> files)
    {
        new KubeletVolume(_dir.Combine("m")).Write(files);
        return ManifestLoader.Load(_dir.Combine("m"), SourceKinds.Create().Syntax);
    }

    private string FileIn(string name) => _dir.Combine("m", name);

    [Fact]
    public void Load_SettingsAndTeamFiles_OneManifest_ModelsInFileOrder()
    {
        var result = Load(new()
        {
            ["team-b.yaml"] = Models(("b1", "1")),
            ["00-settings.yaml"] = Settings(sync: "  interval: 7m\n"),
            ["team-a.yml"] = Models(("a1", "1"), ("a2", "2")),
        });

        Assert.Empty(result.Problems);
        var manifest = result.Manifest!;
        Assert.Equal(_dir.Combine("m"), manifest.SourcePath);
        Assert.Equal("/var/lib/models", manifest.Store.Root);
        Assert.Equal(TimeSpan.FromMinutes(7), manifest.Sync.Interval);
        Assert.Equal(["a1", "a2", "b1"], manifest.Models.Select(m => m.Name));
    }

    [Fact]
    public void Load_StoreInTwoFiles_TheLaterFileHasTheProblemAtItsKey()
    {
        var result = Load(new() { ["a.yaml"] = Settings(), ["b.yaml"] = "store:\n  root: /x\n" + Models(("b1", "1")) });

        var problem = Assert.Single(result.Problems);
        Assert.Equal((FileIn("b.yaml"), 1, 1, "store"), (problem.File, problem.Line, problem.Column, problem.Field));
        Assert.Contains($"also in {FileIn("a.yaml")} (line 1)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelNameInTwoFiles_ProblemAtTheSecondNamesTheFirst()
    {
        var result = Load(new() { ["a.yaml"] = Settings() + Models(("same", "1")), ["b.yaml"] = Models(("other", "1"), ("same", "2")) });

        var problem = Assert.Single(result.Problems);
        Assert.Equal($"{FileIn("b.yaml")}:9:11: models[1].name: model 'same' is also in {FileIn("a.yaml")} (models[0].name, line 6); a model name may appear in one file of the directory only", problem.ToString());
    }

    [Fact]
    public void Load_ProblemsOfSeveralFiles_EachAtItsFileLineColumn()
    {
        var result = Load(new()
        {
            ["a.yaml"] = Settings(sync: "  concurrency: 0\n"),
            ["b.yaml"] = Models(("b1", "1")).Replace("size: 1", "size: -1", StringComparison.Ordinal),
            ["c.yaml"] = "models: [\n",
        });

        Assert.Collection(
            result.Problems,
            p => Assert.Equal((FileIn("a.yaml"), 4, 16, "sync.concurrency"), (p.File, p.Line, p.Column, p.Field)),
            p => Assert.Equal((FileIn("b.yaml"), 7, 15, "models[0].files[0].size"), (p.File, p.Line, p.Column, p.Field)),
            p => Assert.Equal((FileIn("c.yaml"), "") , (p.File, p.Field)));
    }

    [Fact]
    public void Load_SizeLimit_IsPerFile_NotForTheDirectory()
    {
        var padding = string.Concat(Enumerable.Repeat("# " + new string('x', 1000) + "\n", 600)); // ~0.6 MiB each
        var fits = Load(new() { ["a.yaml"] = Settings() + padding + Models(("a1", "1")), ["b.yaml"] = padding + Models(("b1", "1")) });
        Assert.Empty(fits.Problems);

        var over = Load(new() { ["a.yaml"] = Settings(), ["b.yaml"] = padding + padding + Models(("b1", "1")) });
        var problem = Assert.Single(over.Problems);
        Assert.Equal(FileIn("b.yaml"), problem.File);
        Assert.Contains("larger than 1 MiB", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoYamlFile_IsAProblemOfTheDirectory()
    {
        var result = Load(new() { ["notes.txt"] = "x" });

        var problem = Assert.Single(result.Problems);
        Assert.Equal(_dir.Combine("m"), problem.File);
        Assert.Contains("no *.yaml or *.yml file", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadLeavingOut_BadTeamFile_IsLeftOut_OthersLoad_BadSettingsFile_LoadsNothing()
    {
        new KubeletVolume(_dir.Combine("m")).Write(new Dictionary<string, string> { ["a.yaml"] = Settings(), ["b.yaml"] = Models(("b1", "1")), ["c.yaml"] = Models(("c1", "1")) + "    colour: red\n" });

        var started = ManifestDirectoryLoader.LoadLeavingOut(_dir.Combine("m"), SourceKinds.Create().Syntax);

        Assert.Equal(["b1"], started.Manifest!.Models.Select(m => m.Name));
        Assert.All(started.Problems, p => Assert.Equal(FileIn("c.yaml"), p.File));
        Assert.Equal([FileIn("c.yaml")], started.Manifest.FileSet!.HeldBackFiles(_dir.Combine("m")));

        new KubeletVolume(_dir.Combine("m2")).Write(new Dictionary<string, string> { ["a.yaml"] = Settings(sync: "  concurrency: 0\n"), ["b.yaml"] = Models(("b1", "1")) });
        var refused = ManifestDirectoryLoader.LoadLeavingOut(_dir.Combine("m2"), SourceKinds.Create().Syntax);

        Assert.Null(refused.Manifest);
        Assert.Contains(refused.Problems, p => p.Message.Contains("without its settings the daemon cannot start", StringComparison.Ordinal));
    }
}

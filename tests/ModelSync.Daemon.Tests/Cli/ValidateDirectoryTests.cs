using ModelSync.Daemon.Cli;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using static ModelSync.Daemon.Tests.Manifest.Directories.ManifestTexts;

namespace ModelSync.Daemon.Tests.Cli;

/// <summary><c>validate DIR</c> as a process: what CI and <c>k3s-models.sh validate</c> run on a projected volume.</summary>
public sealed class ValidateDirectoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Run_ValidateGoodDirectory_Exit0_CountsFilesAndModels()
    {
        var volume = new KubeletVolume(_dir.Combine("models"));
        volume.Write(new Dictionary<string, string> { ["settings.yaml"] = Settings(), ["team-a.yaml"] = Models(("a1", "1"), ("a2", "1")), ["team-b.yml"] = Models(("b1", "1")) });

        var (exit, stdout, stderr) = DaemonRunner.Run("validate", volume.Path);

        Assert.Equal((ExitCodes.Ok, ""), (exit, stderr));
        Assert.Equal($"{volume.Path}: OK (3 files: 3 models, 3 files, 3 B)", stdout.Trim());
    }

    [Fact]
    public void Run_ValidateBadDirectory_Exit2_EveryProblemAtFileLineColumn()
    {
        var volume = new KubeletVolume(_dir.Combine("models"));
        volume.Write(new Dictionary<string, string>
        {
            ["settings.yaml"] = Settings(),
            ["team-a.yaml"] = Models(("a1", "1")) + "    colour: red\n",
            ["team-b.yaml"] = Models(("a1", "2")),
        });

        var (exit, stdout, stderr) = DaemonRunner.Run("validate", volume.Path);

        Assert.Equal((ExitCodes.Usage, ""), (exit, stdout));
        var lines = stderr.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{volume.Path}/team-a.yaml:9:5: models[0].colour: unknown key", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{volume.Path}/team-b.yaml:2:11: models[0].name: model 'a1' is also in {volume.Path}/team-a.yaml", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ValidateEmptyDirectory_Exit2_SaysThereIsNoYaml()
    {
        Directory.CreateDirectory(_dir.Combine("empty"));

        var (exit, _, stderr) = DaemonRunner.Run("validate", _dir.Combine("empty"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal($"{_dir.Combine("empty")}: no *.yaml or *.yml file in the manifest directory", stderr.Trim());
    }
}

using System.Text.Json;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Tests.Manifest;

namespace ModelSync.Daemon.Tests.Cli;

/// <summary>The validate verb as a real process: what CI and k3s-models.sh actually run.</summary>
public sealed class ValidateCommandTests
{
    [Fact]
    public void Validate_GoodManifest_OkSummaryExit0()
    {
        var file = ManifestLoaderTests.TestData("full.yaml");

        var (exit, stdout, stderr) = DaemonRunner.Run("validate", file);

        Assert.Equal(0, exit);
        Assert.Equal($"{file}: OK (2 models, 3 files, 1.41 GiB)", stdout.Trim());
        Assert.Equal("", stderr);
    }

    [Fact]
    public void Validate_OneSmallModel_SingularNounsAndMiB()
    {
        using var store = new ModelSync.Daemon.IntegrationTests.Infrastructure.TestStore();
        var file = store.WriteManifest(new ModelSync.Daemon.IntegrationTests.Infrastructure.ManifestModel("m", "v1", "http://127.0.0.1:9/m/", [new("w.bin", 1536 * 1024, new string((char)97, 64), null)]));

        var (exit, stdout, _) = DaemonRunner.Run("validate", file);

        Assert.Equal(0, exit);
        Assert.Equal($"{file}: OK (1 model, 1 file, 1.5 MiB)", stdout.Trim());
    }

    [Fact]
    public void Validate_ModelsResolvedAtSync_CountedPerSchemeNotAsZeroFiles()
    {
        using var dir = new ModelSync.TestKit.TempDir();
        var file = dir.Combine("m.yaml");
        File.WriteAllText(file, $$"""
            store: { root: {{dir.Combine("store")}} }
            sync: { s3: { endpoint: "http://127.0.0.1:9" } }
            models:
              - { name: a, source: "s3://models/a/" }
              - { name: b, source: "s3://models/b/" }
              - { name: c, source: "oci://127.0.0.1:9/models/c:v1" }
              - { name: d, source: "hf://org/d@main" }
            """);

        var (exit, stdout, _) = DaemonRunner.Run("validate", file);

        Assert.Equal(0, exit);
        Assert.Equal($"{file}: OK (4 models, 0 files, 0 B; 2 from s3://, 1 from oci://, 1 from hf://, listed at sync)", stdout.Trim());
    }

    [Fact]
    public void Validate_BadManifest_EveryProblemOnStderrExit2()
    {
        var file = ManifestLoaderTests.TestData("bad.yaml");

        var (exit, stdout, stderr) = DaemonRunner.Run("validate", file);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.Equal($"{file}:2:9: store.root: must be an absolute path, got 'models'", lines[0]);
        Assert.All(lines, l => Assert.StartsWith($"{file}:", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Json_ArrayOfProblems()
    {
        var file = ManifestLoaderTests.TestData("bad.yaml");

        var (exit, stdout, _) = DaemonRunner.Run("validate", "--json", file);

        Assert.Equal(2, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(6, doc.RootElement.GetArrayLength());
        var first = doc.RootElement[0];
        Assert.Equal((2, 9, "store.root"), (first.GetProperty("line").GetInt32(), first.GetProperty("column").GetInt32(), first.GetProperty("field").GetString()));
    }

    [Fact]
    public void Validate_MissingFile_Exit2()
    {
        var (exit, _, stderr) = DaemonRunner.Run("validate", "/nonexistent/models.yaml");

        Assert.Equal(2, exit);
        Assert.StartsWith("/nonexistent/models.yaml: cannot read the manifest:", stderr, StringComparison.Ordinal);
    }
}

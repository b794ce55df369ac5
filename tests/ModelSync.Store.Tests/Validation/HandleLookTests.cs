using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.Tests.Support;
using ModelSync.Store.Validation;

namespace ModelSync.Store.Tests.Validation;

/// <summary>
/// The size check looks through directory handles (<see cref="HandleLook"/>); these plant what the path look
/// refuses and check that the validator finds exactly what the path look alone finds, in the same words.
/// </summary>
public sealed class HandleLookTests : IDisposable
{
    private readonly StoreBuilder store = new();
    private ModelEntry finbert;
    private readonly ModelEntry minilm;

    public HandleLookTests()
    {
        finbert = store.Publish("finbert", "v1", ("config.json", StoreBuilder.Bytes(758)), ("onnx/model.onnx", StoreBuilder.Bytes(7_000)));
        minilm = store.Publish("minilm", "v2", ("m.bin", StoreBuilder.Bytes(5)));
    }

    public void Dispose() => store.Dispose();

    private string VersionDir => store.Layout.VersionDir("finbert", "v1");

    /// <summary>The report with the quick look, after asserting the path look alone finds the very same.</summary>
    private ValidationReport Validate(bool othersIntact = true)
    {
        var inventory = new StoreInventory { Models = [finbert, minilm] };
        var quick = StoreValidator.Validate(store.Layout, inventory, null, VerifyMode.Size);
        var byPath = StoreValidator.Validate(store.Layout, inventory, null, VerifyMode.Size, default, requireSigned: false, quickLook: false);
        Assert.Equal(byPath.Models.Select(m => m.ValidVersion), quick.Models.Select(m => m.ValidVersion));
        Assert.Equal(byPath.Problems, quick.Problems);
        Assert.True(!othersIntact || quick.Models[1].IsValid, "the untouched model stays valid");
        return quick;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void Validate_IntactStore_ValidBothWays() => Assert.True(Validate().IsValid);

    [Fact]
    public void Version_IntactStore_OpensTheVersionAndReadsItsMarker()
    {
        using var look = HandleLook.Open(store.Layout);
        using var version = look?.Version("models/finbert/v1");

        Assert.NotNull(version);
        Assert.True(look!.TryReadMarker(version, out var json));
        Assert.Equal("v1", MarkerFile.TryParse(json)?.Version);
        Assert.Equal(7_000, version.RegularFileSize("onnx/model.onnx"));
        Assert.Null(look.Version("finbert/v1"));
    }

    [Fact]
    public void Validate_FileSwappedForASymlinkToAnIdenticalCopy_UnsafePath()
    {
        var file = Path.Combine(VersionDir, "config.json");
        File.Copy(file, Path.Combine(VersionDir, "config.copy"));
        File.Delete(file);
        File.CreateSymbolicLink(file, "config.copy");

        var problem = Assert.Single(Validate().Problems);

        Assert.Equal((ProblemKind.UnsafePath, "config.json"), (problem.Kind, problem.File));
        Assert.Contains("goes through a symlink at 'config.json'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SubdirectorySwappedForASymlinkToACopy_UnsafePath()
    {
        CopyDirectory(Path.Combine(VersionDir, "onnx"), Path.Combine(VersionDir, "onnx.copy"));
        Directory.Delete(Path.Combine(VersionDir, "onnx"), recursive: true);
        Directory.CreateSymbolicLink(Path.Combine(VersionDir, "onnx"), "onnx.copy");

        var problem = Assert.Single(Validate().Problems);

        Assert.Equal((ProblemKind.UnsafePath, "onnx/model.onnx"), (problem.Kind, problem.File));
        Assert.Contains("symlink at 'onnx'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("models/finbert/v1")] // the version directory
    [InlineData("models/finbert")] // the model's directory
    [InlineData("models")] // models/ itself: then every look is by path
    public void Validate_DirectorySwappedForASymlinkToACopy_UnsafePath(string relative)
    {
        var real = Path.Combine(store.Root, relative);
        var copy = Path.Combine(store.Root, "elsewhere");
        CopyDirectory(real, copy);
        Directory.Delete(real, recursive: true);
        Directory.CreateSymbolicLink(real, Path.GetRelativePath(Path.GetDirectoryName(real)!, copy));

        var report = Validate(othersIntact: relative != "models");

        var problem = Assert.Single(report.Models[0].Problems);
        Assert.Equal((ProblemKind.UnsafePath, null), (problem.Kind, problem.File));
        Assert.Contains($"goes through a symlink at '{relative}'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingResizedAndNonRegularFiles_EachNamed()
    {
        finbert = finbert with { Files = [.. finbert.Files, new FileEntry { Path = "dir", Size = 1 }, new FileEntry { Path = "fifo", Size = 1 }] };
        MarkerFile.Write(VersionDir, MarkerFile.TryRead(VersionDir)! with { Files = finbert.Files });
        File.Delete(Path.Combine(VersionDir, "config.json"));
        store.Overwrite("finbert", "v1", "onnx/model.onnx", StoreBuilder.Bytes(7_001));
        Directory.CreateDirectory(Path.Combine(VersionDir, "dir"));
        Assert.Equal(0, Tool.Run("mkfifo", Path.Combine(VersionDir, "fifo")).ExitCode);

        var problems = Validate().Problems.Select(p => (p.File, p.Kind)).ToList();

        Assert.Equal(
            [("config.json", ProblemKind.FileMissing), ("onnx/model.onnx", ProblemKind.SizeMismatch), ("dir", ProblemKind.FileMissing), ("fifo", ProblemKind.SizeMismatch)],
            problems);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("garbage")]
    [InlineData("another version's")]
    [InlineData("a shorter list")]
    public void Validate_MarkerThatDoesNotVouch_MarkerMissing(string how)
    {
        var marker = Path.Combine(VersionDir, StoreLayout.MarkerFileName);
        switch (how)
        {
            case "missing":
                File.Delete(marker);
                break;
            case "garbage":
                File.WriteAllText(marker, "{ not json");
                break;
            case "another version's":
                File.Copy(store.Layout.MarkerPath("minilm", "v2"), marker, overwrite: true);
                break;
            default:
                MarkerFile.Write(VersionDir, MarkerFile.TryRead(VersionDir)! with { Files = finbert.Files.Take(1).ToList() });
                break;
        }

        var problem = Assert.Single(Validate().Problems);

        Assert.Equal((ProblemKind.MarkerMissing, null), (problem.Kind, problem.File));
    }

    [Fact]
    public void Validate_UnsafeFilePathsInTheInventory_UnsafePathAndNotOpened()
    {
        finbert = finbert with
        {
            Files = [.. finbert.Files, new FileEntry { Path = "../../minilm/v2/m.bin", Size = 5 }, new FileEntry { Path = "/etc/hostname", Size = 1 }],
        };
        MarkerFile.Write(VersionDir, MarkerFile.TryRead(VersionDir)! with { Files = finbert.Files });

        var problems = Validate().Problems.ToList();

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(ProblemKind.UnsafePath, p.Kind));
    }
}

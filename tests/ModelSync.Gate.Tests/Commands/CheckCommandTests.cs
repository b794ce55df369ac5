using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Commands;

public sealed class CheckCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    private GateResult Check(params string[] extra) => GateProcess.Run(log, ["--root", _store.Root, "--check", .. extra], null);

    private ModelEntry PublishFinbert() =>
        _store.Publish("finbert", "2024-06", ("config.json", StoreBuilder.Bytes(758)), ("onnx/model.onnx", StoreBuilder.Bytes(300_000)));

    [Fact]
    public void Check_ValidStore_Exits0WithOkLinePerModel()
    {
        _store.WriteInventory(PublishFinbert(), _store.Publish("minilm", "v2", ("m.bin", StoreBuilder.Bytes(10))));

        var result = Check();

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("OK    finbert@2024-06 (2 files", result.Stdout[0], StringComparison.Ordinal);
        Assert.StartsWith("OK    minilm@v2", result.Stdout[1], StringComparison.Ordinal);
        Assert.Equal("valid: 2 of 2 models (size verified)", result.Stdout[2]);
    }

    [Fact]
    public void Check_MissingFile_Exits1NamingTheFile()
    {
        _store.WriteInventory(PublishFinbert());
        File.Delete(_store.FilePath("finbert", "2024-06", "config.json"));

        var result = Check();

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("FAIL  finbert@2024-06: config.json: missing", result.Stdout[0]);
    }

    [Fact]
    public void Check_WrongSize_Exits1WithBothSizes()
    {
        _store.WriteInventory(PublishFinbert());
        _store.Overwrite("finbert", "2024-06", "config.json", StoreBuilder.Bytes(700));

        var result = Check();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("config.json: size 700, expected 758", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SameSizeCorruptBytes_SizeModePassesFullModeFails()
    {
        _store.WriteInventory(PublishFinbert());
        _store.Overwrite("finbert", "2024-06", "onnx/model.onnx", StoreBuilder.Bytes(300_000, seed: 99));

        var size = Check();
        var full = Check("--verify", "full");

        Assert.Equal(0, size.ExitCode);
        Assert.Equal(1, full.ExitCode);
        Assert.Contains("onnx/model.onnx: xxh128 ", full.Out, StringComparison.Ordinal);
        Assert.Contains("(full verified)", full.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoInventory_Exits3()
    {
        var result = Check();

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"store unreadable: no inventory at {_store.Layout.InventoryPath}", result.Stdout[0]);
    }

    [Theory]
    [InlineData("{\"schemaVersion\": 1, \"generation\": 3, \"models\": [{\"name\": \"finbert\", \"vers")]
    [InlineData("")]
    [InlineData("{\"schemaVersion\": 7, \"models\": []}")]
    public void Check_CorruptOrTruncatedInventory_Exits3(string content)
    {
        _store.WriteRawInventory(content);

        var result = Check();

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("store unreadable: ", result.Stdout[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PreviousVersionWhileNewDownloads_IsValidOnThePreviousVersion()
    {
        var old = _store.Publish("finbert", "2024-01", ("config.json", StoreBuilder.Bytes(10)));
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "2024-06", 10, 100, previous: old));

        var result = Check();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("OK    finbert@2024-01 (previous version, 1 file, 10 B; 2024-06 is Downloading)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReadyModelWhoseManifestEntryWasEdited_CountsTheFilesOfTheCopyItValidated()
    {
        // The manifest changed a digest of a Ready version: the daemon fetches that same version again, and
        // until it is published the entry is Pending with the copy in use as its previous (same version).
        var ready = PublishFinbert();
        _store.WriteInventory(new ModelEntry
        {
            Name = "finbert",
            Version = "2024-06",
            State = ModelState.Pending,
            Previous = new PreviousVersion(ready.Version, ready.Path!, ready.Files),
        });

        var result = Check();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("OK    finbert@2024-06 (previous copy, 2 files, 293.71 KiB; a new copy of 2024-06 is Pending)", result.Stdout[0]);
    }

    [Fact]
    public void Check_RequireAbsentModel_Exits1()
    {
        _store.WriteInventory(PublishFinbert());

        var result = Check("--require", "finbert,ghost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  ghost: not in the inventory", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RequireMisspeltModel_SaysDidYouMeanAndStillExits1()
    {
        _store.WriteInventory(_store.Publish("embed-small", "v1", ("m.bin", StoreBuilder.Bytes(10))), PublishFinbert());

        var result = Check("--require", "embed-smal");

        // One look: --check never gives up early (that is the wait's exit 4), it says what it saw.
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("FAIL  embed-smal: not in the inventory; did you mean embed-small?", result.Stdout[0]);
    }

    [Fact]
    public void Check_RequireWrongVersion_Exits1NamingBothVersions()
    {
        _store.WriteInventory(PublishFinbert());

        var result = Check("--require", "finbert@2023-01");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  finbert@2023-01: version 2023-01 is not in the inventory (it has 2024-06, Ready)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PathEscapeWithDotDot_IsReportedNotFollowed()
    {
        var entry = PublishFinbert();
        _store.WriteInventory(entry with { Files = [.. entry.Files, new FileEntry { Path = "../../../../etc/hostname", Size = 1 }] });

        var result = Check();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("../../../../etc/hostname: path '../../../../etc/hostname' has a '..' segment", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SymlinkEscapingRoot_IsReportedNotFollowed()
    {
        var entry = PublishFinbert();
        File.Delete(_store.FilePath("finbert", "2024-06", "config.json"));
        File.CreateSymbolicLink(_store.FilePath("finbert", "2024-06", "config.json"), "/etc/hostname");
        _store.WriteInventory(entry);

        var result = Check("--verify", "full");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("config.json: path 'config.json' goes through a symlink", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EmptyInventory_IsValidAndSaysNothingWasRequired()
    {
        _store.WriteInventory();

        var result = Check();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("no models required", result.Out, StringComparison.Ordinal);
    }
}

using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;
using ModelSync.Store.Validation;

namespace ModelSync.Store.Tests.Validation;

public sealed class StoreValidatorTests
{
    private static ValidationReport Validate(StoreBuilder store, VerifyMode mode, params ModelEntry[] models) =>
        Validate(store, mode, null, models);

    private static ValidationReport Validate(StoreBuilder store, VerifyMode mode, string? require, params ModelEntry[] models) =>
        StoreValidator.Validate(store.Layout, new StoreInventory { Models = models }, require is null ? null : ModelRequirement.ParseList(require, out _), mode);

    [Theory]
    [InlineData(VerifyMode.Size)]
    [InlineData(VerifyMode.Full)]
    public void Validate_IntactStore_IsValidInBothModes(VerifyMode mode)
    {
        using var store = new StoreBuilder();
        var a = store.Publish("finbert", "2024-06", ("config.json", StoreBuilder.Bytes(758)), ("onnx/model.onnx", StoreBuilder.Bytes(70_000)));
        var b = store.Publish("minilm", "v2", ("m.bin", StoreBuilder.Bytes(5)));

        var report = Validate(store, mode, a, b);

        Assert.True(report.IsValid);
        Assert.Equal(["2024-06", "v2"], report.Models.Select(m => m.ValidVersion));
    }

    [Fact]
    public void Validate_SameSizeCorruption_OnlyFullModeCatches()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("finbert", "1", ("model.bin", StoreBuilder.Bytes(4096, seed: 1)));
        store.Overwrite("finbert", "1", "model.bin", StoreBuilder.Bytes(4096, seed: 2));

        Assert.True(Validate(store, VerifyMode.Size, entry).IsValid);
        var problem = Assert.Single(Validate(store, VerifyMode.Full, entry).Problems);
        Assert.Equal(ProblemKind.DigestMismatch, problem.Kind);
        Assert.Equal("model.bin", problem.File);
        Assert.Contains(entry.Files[0].Xxh128!, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Sha256Only_FullModeFallsBackToSha256()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("finbert", "1", ("model.bin", StoreBuilder.Bytes(100)));
        entry = entry with { Files = [entry.Files[0] with { Xxh128 = null }] };
        store.Overwrite("finbert", "1", "model.bin", StoreBuilder.Bytes(100, seed: 9));

        var problem = Assert.Single(Validate(store, VerifyMode.Full, entry).Problems);

        Assert.StartsWith("sha256 ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralDefects_ListsEveryProblem()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10)), ("b", StoreBuilder.Bytes(10)), ("c", StoreBuilder.Bytes(10)), ("d", StoreBuilder.Bytes(10)));
        File.Delete(store.FilePath("finbert", "1", "a"));
        store.Overwrite("finbert", "1", "b", StoreBuilder.Bytes(11));
        store.Overwrite("finbert", "1", "c", StoreBuilder.Bytes(10, seed: 5));
        File.Delete(store.Layout.MarkerPath("finbert", "1"));
        entry = entry with { Files = [.. entry.Files, new FileEntry { Path = "../escape", Size = 1 }, new FileEntry { Path = "e", Size = 1 }] };
        File.WriteAllBytes(store.FilePath("finbert", "1", "e"), [1]);

        var kinds = Validate(store, VerifyMode.Full, entry).Problems.Select(p => (p.File, p.Kind)).ToList();

        Assert.Equal(
            [(null, ProblemKind.MarkerMissing), ("a", ProblemKind.FileMissing), ("b", ProblemKind.SizeMismatch), ("c", ProblemKind.DigestMismatch), ("../escape", ProblemKind.UnsafePath), ("e", ProblemKind.NoDigest)],
            kinds);
    }

    [Fact]
    public void Validate_ModelPathEscapingRoot_IsUnsafeAndNotFollowed()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10)));

        var problem = Assert.Single(Validate(store, VerifyMode.Size, entry with { Path = "../../etc" }).Problems);

        Assert.Equal(ProblemKind.UnsafePath, problem.Kind);
    }

    [Fact]
    public void Validate_FileSymlinkOutOfRoot_IsUnsafe()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10)));
        File.Delete(store.FilePath("finbert", "1", "a"));
        File.CreateSymbolicLink(store.FilePath("finbert", "1", "a"), "/etc/hostname");

        var problem = Assert.Single(Validate(store, VerifyMode.Size, entry).Problems);

        Assert.Equal(ProblemKind.UnsafePath, problem.Kind);
        Assert.Contains("symlink", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NotReadyStates_AreNotReadyWithTheError()
    {
        using var store = new StoreBuilder();
        var failed = new ModelEntry
        {
            Name = "minilm",
            Version = "v2",
            State = ModelState.Failed,
            Error = new ModelError { Reason = "HttpStatus", Message = "404 from origin", Attempts = 5 },
        };

        var report = Validate(store, VerifyMode.Size, StoreBuilder.Downloading("finbert", "1", 1, 2), failed);

        Assert.All(report.Problems, p => Assert.Equal(ProblemKind.NotReady, p.Kind));
        Assert.Contains("HttpStatus: 404 from origin", report.Models[1].Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NewVersionDownloading_PreviousVersionPassesUnlessNewOneIsPinned()
    {
        using var store = new StoreBuilder();
        var old = store.Publish("finbert", "2024-01", ("a", StoreBuilder.Bytes(10)));
        var entry = StoreBuilder.Downloading("finbert", "2024-06", 5, 10, previous: old);

        Assert.Equal("2024-01", Validate(store, VerifyMode.Size, entry).Models[0].ValidVersion);
        Assert.True(Validate(store, VerifyMode.Size, "finbert@2024-01", entry).IsValid);
        Assert.False(Validate(store, VerifyMode.Size, "finbert@2024-06", entry).IsValid);
    }

    [Fact]
    public void Validate_RequiredModelAbsentOrWrongVersion_ReportsWhy()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("finbert", "2024-06", ("a", StoreBuilder.Bytes(10)));

        var report = Validate(store, VerifyMode.Size, "finbert@1999,ghost", entry);

        Assert.Equal(ProblemKind.NotReady, report.Models[0].Problems[0].Kind);
        Assert.Contains("version 1999 is not in the inventory", report.Models[0].Problems[0].Message, StringComparison.Ordinal);
        Assert.Equal(ProblemKind.NotInInventory, report.Models[1].Problems[0].Kind);
    }

    [Fact]
    public void Validate_ReadyWithoutFiles_IsNotValid()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(1))) with { Files = [] };

        Assert.False(Validate(store, VerifyMode.Size, entry).IsValid);
    }

    [Fact]
    public void Validate_PathOfAnotherPublishedVersion_UnsafePathNotValid()
    {
        using var store = new StoreBuilder();
        var other = store.Publish("other", "v9", ("a.bin", StoreBuilder.Bytes(10)));
        var entry = other with { Name = "m", Version = "v1" };

        var problem = Assert.Single(Validate(store, VerifyMode.Size, entry).Problems);

        Assert.Equal(ProblemKind.UnsafePath, problem.Kind);
        Assert.Contains("models/m/v1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InventoryListsFewerFilesThanTheMarker_MarkerMismatchReported()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("m", "v1", ("a.bin", StoreBuilder.Bytes(10)), ("b.bin", StoreBuilder.Bytes(20)));
        File.Delete(store.FilePath("m", "v1", "b.bin"));
        var stale = entry with { Files = [entry.Files.Single(f => f.Path == "a.bin")] };

        var problem = Assert.Single(Validate(store, VerifyMode.Size, stale).Problems);

        Assert.Equal(ProblemKind.MarkerMissing, problem.Kind);
        Assert.Contains("marker", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PinnedVersionWhileThatVersionIsRepublished_NotServedByTheOldCopy()
    {
        using var store = new StoreBuilder();
        var old = store.Publish("m", "v1", ("a.bin", StoreBuilder.Bytes(10)));
        var republishing = StoreBuilder.Downloading("m", "v1", 0, 10, previous: old);

        Assert.False(Validate(store, VerifyMode.Size, "m@v1", republishing).IsValid);
        Assert.True(Validate(store, VerifyMode.Size, "m", republishing).IsValid);
    }
}

using ModelSync.Store.Inventory;

namespace ModelSync.Store.Tests.Inventory;

public sealed class ModelEntriesTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static ModelEntry ReadyV1 => ModelEntries.Ready(
        new ModelMarker { Name = "m", Version = "v1", PublishedAt = At, Source = "hf://a/b@main", Files = [new FileEntry { Path = "w", Size = 5 }] }, verifiedAt: null);

    [Fact]
    public void Ready_FromMarker_PathBytesSourceAndFilesAreTheMarkers()
    {
        var entry = ReadyV1;

        Assert.Equal((ModelState.Ready, "models/m/v1", 5L, "hf://a/b@main", At), (entry.State, entry.Path, entry.Bytes, entry.Source, entry.ReadyAt));
    }

    [Fact]
    public void Corrupted_ReadyOfThatVersion_FailedWithFileAndNextRetry()
    {
        var entry = ModelEntries.Corrupted(ReadyV1, "v1", At, "m@v1/w: size 4, expected 5", "w", At);

        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal((ModelEntries.CorruptedReason, "w", At), (entry.Error!.Reason, entry.Error.File, entry.Error.NextRetryAt));
    }

    [Fact]
    public void Corrupted_EntryAlreadyOnAnotherVersion_Unchanged()
    {
        var v2 = ReadyV1 with { Version = "v2" };

        Assert.Same(v2, ModelEntries.Corrupted(v2, "v1", null, "damaged", "w", At));
    }

    [Fact]
    public void Corrupted_ThatVersionPublishedAgainSince_Unchanged()
    {
        var republished = ReadyV1;

        Assert.Same(republished, ModelEntries.Corrupted(republished, "v1", At.AddHours(-1), "damaged", "w", At));
    }

    [Fact]
    public void WithoutPrevious_PreviousIsTheCondemnedVersion_Dropped()
    {
        var pending = ModelEntries.Pending("m", "v2", null, 5, new PreviousVersion("v1", "models/m/v1", []));

        Assert.Null(ModelEntries.WithoutPrevious(pending, "v1").Previous);
        Assert.NotNull(ModelEntries.WithoutPrevious(pending, "v0").Previous);
    }

    [Fact]
    public void Failed_AfterAnEarlierFailure_CountsTheAttemptAndKeepsProgress()
    {
        var known = ModelEntries.Failed("m", "v1", null, 5, null, null, "HttpStatus", "x", "w", attempts: 3) with { Progress = new ModelProgress(2, 5) };

        var again = ModelEntries.Failed("m", "v1", null, 5, null, known, "Stalled", "y", null, attempts: null);

        Assert.Equal(4, again.Error!.Attempts);
        Assert.Equal(new ModelProgress(2, 5), again.Progress);
    }

    [Fact]
    public void NextPass_OnlyFailedEntriesGetTheTime()
    {
        var failed = ModelEntries.Failed("m", "v1", null, 5, null, null, "HttpStatus", "x", null, attempts: 1);
        var ready = ReadyV1;

        Assert.Equal(At, ModelEntries.NextPass(failed, At).Error!.NextRetryAt);
        Assert.Same(ready, ModelEntries.NextPass(ready, At));
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources.Listed;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.TestKit;

namespace ModelSync.Daemon.Tests.Lifecycle;

/// <summary>Every transition of a model's entry, each from the states it accepts and from one it refuses (a
/// refused one changes nothing), and the batching of their writes, on a real store with a fake clock.</summary>
public sealed class ModelLifecycleTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly StoreLayout _layout;
    private readonly ModelLifecycle _lifecycle;

    public ModelLifecycleTests()
    {
        _layout = new StoreLayout(_dir.Combine("store"));
        Directory.CreateDirectory(_layout.Root);
        _lifecycle = ModelLifecycle.Open(_layout, "node", "run", _time, NullLoggerFactory.Instance);
    }

    public void Dispose() => _dir.Dispose();

    private static ModelMarker Marker(string version, DateTimeOffset at) => new()
    {
        Name = "m", Version = version, PublishedAt = at, Files = [new FileEntry { Path = "w.bin", Size = 3, Xxh128 = new string('a', 32) }],
    };

    private ModelState? State => _lifecycle.Find("m")?.State;

    [Fact]
    public void Planned_ThenDownloadingThenPublished_ReadyWithTheMarkersFiles()
    {
        _lifecycle.Planned("m", "1", null, 3, previous: null);
        Assert.Equal(ModelState.Pending, State);

        Assert.True(_lifecycle.Downloading("m", "1", new ModelProgress(0, 3)));
        Assert.True(_lifecycle.Published(Marker("1", _time.GetUtcNow()), TimeSpan.FromSeconds(1)));

        var entry = _lifecycle.Find("m")!;
        Assert.Equal((ModelState.Ready, "1", 3L), (entry.State, entry.Version, entry.Bytes));
        Assert.Null(entry.Progress);
    }

    [Fact]
    public void Downloading_NotPlannedOrAnotherVersion_Refused()
    {
        Assert.False(_lifecycle.Downloading("m", "1", new ModelProgress(0, 3)));
        Assert.Null(State);

        _lifecycle.Planned("m", "1", null, 3, previous: null);
        Assert.False(_lifecycle.Downloading("m", "2", new ModelProgress(0, 3)));
        Assert.Equal(ModelState.Pending, State);
    }

    [Fact]
    public void Published_VersionNotPlanned_RefusedEntryUnchanged()
    {
        _lifecycle.Planned("m", "1", null, 3, previous: null);

        Assert.False(_lifecycle.Published(Marker("2", _time.GetUtcNow()), TimeSpan.Zero));
        Assert.Equal(("1", ModelState.Pending), (_lifecycle.Find("m")!.Version, State));
    }

    [Fact]
    public void RetryScheduled_PendingOrDownloading_ErrorRecordedStateKept_ElseRefused()
    {
        var error = new ModelError { Reason = "HttpStatus", Message = "503", Attempts = 1 };
        Assert.False(_lifecycle.RetryScheduled("m", error));

        _lifecycle.Planned("m", "1", null, 3, previous: null);
        Assert.True(_lifecycle.RetryScheduled("m", error));
        Assert.Equal((ModelState.Pending, "503"), (State, _lifecycle.Find("m")!.Error!.Message));

        _lifecycle.KeptReady(Marker("1", _time.GetUtcNow()));
        Assert.False(_lifecycle.RetryScheduled("m", error));
    }

    [Fact]
    public void KeptReady_SameEntry_NoWriteAtAll()
    {
        _lifecycle.KeptReady(Marker("1", _time.GetUtcNow()));
        _lifecycle.Flush();
        var generation = InventoryFile.Read(_layout).Inventory!.Generation;

        _lifecycle.KeptReady(Marker("1", _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));
        _lifecycle.Flush();

        Assert.Equal(generation, InventoryFile.Read(_layout).Inventory!.Generation);
    }

    [Fact]
    public void Corrupted_ReadyOfThatPublicationOnly()
    {
        var at = _time.GetUtcNow();
        _lifecycle.KeptReady(Marker("1", at));

        Assert.False(_lifecycle.Corrupted("m", "2", null, "bad", "w.bin", at)); // another version
        Assert.False(_lifecycle.Corrupted("m", "1", at.AddSeconds(1), "bad", "w.bin", at)); // another publication
        Assert.Equal(ModelState.Ready, State);

        Assert.True(_lifecycle.Corrupted("m", "1", at, "bad", "w.bin", at));
        Assert.Equal((ModelState.Failed, ModelEntries.CorruptedReason), (State, _lifecycle.Find("m")!.Error!.Reason));
        Assert.False(_lifecycle.Corrupted("m", "1", at, "bad", "w.bin", at)); // not Ready any more
    }

    [Fact]
    public void Corrupted_VersionOfferedAsPrevious_OfferedNoMore()
    {
        _lifecycle.Planned("m", "2", null, 3, new PreviousVersion("1", "models/m/1", []));

        Assert.False(_lifecycle.Corrupted("m", "1", null, "bad", "w.bin", _time.GetUtcNow()));

        Assert.Null(_lifecycle.Find("m")!.Previous);
    }

    [Fact]
    public void Verified_ReadyOfThatVersionOnly()
    {
        Assert.False(_lifecycle.Verified("m", "1", _time.GetUtcNow()));
        _lifecycle.KeptReady(Marker("1", _time.GetUtcNow()));
        var at = _time.GetUtcNow().AddMinutes(5);

        Assert.False(_lifecycle.Verified("m", "2", at));
        Assert.True(_lifecycle.Verified("m", "1", at));
        Assert.Equal(at, _lifecycle.Find("m")!.VerifiedAt);
    }

    [Fact]
    public async Task FailedThenRetryRequested_DueNowFailureLifted_OthersUntouched()
    {
        var spec = new ModelSpec { Name = "m", Version = "1", Source = new ListedSpec(null, null), Files = [] };
        using var http = new HttpClient();
        var policy = new FailurePolicy(_lifecycle.Entries, new SourceProbe(new HttpSource(http), TimeSpan.FromSeconds(1)), _time, new SyncSettings(), enforce: true, NullLogger.Instance, new Random(7));
        await _lifecycle.FailedAsync(new FailedPass(spec, "1", null, 3, null, new DownloadException(FailureReason.HttpStatus, "HTTP 500", transient: true)), policy, CancellationToken.None);
        _lifecycle.KeptReady(Marker("1", _time.GetUtcNow()) with { Name = "other" });
        Assert.NotNull(_lifecycle.Find("m")!.Failure!.NotBefore);

        Assert.Equal(["m"], _lifecycle.RetryRequested(["m", "other", "unknown"]));

        var entry = _lifecycle.Find("m")!;
        Assert.Equal((ModelState.Failed, (DateTimeOffset?)null, _time.GetUtcNow()), (entry.State, entry.Failure!.NotBefore, entry.Error!.NextRetryAt!.Value));
        Assert.Equal(ModelState.Ready, _lifecycle.Find("other")!.State);
        Assert.Empty(_lifecycle.RetryRequested(["other"])); // Ready: nothing to retry
    }

    [Fact]
    public void Stop_DownloadCutShort_PendingWithItsProgressAndWrittenAtOnce()
    {
        _lifecycle.Planned("m", "1", null, 3, previous: null);
        _lifecycle.Downloading("m", "1", new ModelProgress(1, 3));

        _lifecycle.Stop();

        var onDisk = InventoryFile.Read(_layout).Inventory!;
        Assert.Equal(ModelState.Pending, onDisk.Find("m")!.State);
        Assert.Equal(1, onDisk.Find("m")!.Progress!.BytesDone);
        Assert.NotNull(onDisk.Writer!.StoppedAt);
    }

    [Fact]
    public void Changes_ManyAtOnce_TheFirstWrittenAtOnceTheRestInOneWriteAfterTheDelay()
    {
        var before = _lifecycle.Snapshot().Generation;

        for (var i = 0; i < 200; i++)
        {
            _lifecycle.KeptReady(Marker("1", _time.GetUtcNow()) with { Name = $"m{i:000}" });
        }

        var first = InventoryFile.Read(_layout).Inventory!;
        Assert.Equal((1, before + 1), (first.Models.Count, first.Generation)); // a reader sees the first change at once
        _time.Advance(InventoryState.WriteDelay);

        var after = InventoryFile.Read(_layout).Inventory!;
        Assert.Equal((200, before + 2), (after.Models.Count, after.Generation));
    }
}

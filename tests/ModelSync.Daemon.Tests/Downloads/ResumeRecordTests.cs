using System.Security.Cryptography;
using ModelSync.Daemon.Downloads;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class ResumeRecordTests : IDisposable
{
    private const int Size = 64 << 10;
    private readonly TransferTestFiles _files = new(Size);
    private readonly ManualClock _clock = new();

    [Fact]
    public void Recover_NoRecord_DeletesTheStagedFile()
    {
        File.WriteAllBytes(_files.Job.TargetPath, new byte[10]);

        var recovered = Record().Recover();

        Assert.Equal(default, recovered);
        Assert.False(File.Exists(_files.Job.TargetPath));
    }

    [Fact]
    public void Recover_RecordOfAnotherSource_DeletesBoth()
    {
        File.WriteAllBytes(_files.Job.TargetPath, _files.Content);
        new ResumeState { Source = ResumeState.SourceOf(new Uri("https://elsewhere.test/a")), Size = Size, BytesDone = 100 }.Write(_files.Job.StatePath);

        Assert.Equal(default, Record().Recover());
        Assert.False(File.Exists(_files.Job.TargetPath));
        Assert.False(File.Exists(_files.Job.StatePath));
    }

    [Fact]
    public void Recover_FileShorterThanRecord_StartsOver()
    {
        File.WriteAllBytes(_files.Job.TargetPath, new byte[99]);
        _files.WriteResumeRecord(bytesDone: 100);

        Assert.Equal(default, Record().Recover());
        Assert.False(File.Exists(_files.Job.TargetPath));
    }

    [Fact]
    public void Recover_Partial_OffsetAndValidatorOfTheRecord()
    {
        File.WriteAllBytes(_files.Job.TargetPath, _files.Content);
        new ResumeState { Source = ResumeState.SourceOf(_files.Spec.Url), Size = Size, BytesDone = 100, Validator = "\"v1\"" }.Write(_files.Job.StatePath);

        Assert.Equal(new Recovered(null, 100, "\"v1\""), Record().Recover());
        Assert.True(File.Exists(_files.Job.TargetPath));
    }

    [Fact]
    public void Recover_CompleteWithTheManifestsDigests_Complete()
    {
        File.WriteAllBytes(_files.Job.TargetPath, _files.Content);
        new ResumeState { Source = ResumeState.SourceOf(_files.Spec.Url), Size = Size, BytesDone = Size, Complete = true, Sha256 = _files.Spec.Sha256 }.Write(_files.Job.StatePath);

        var recovered = Record().Recover();

        Assert.Equal(_files.Spec.Sha256, recovered.Complete?.Sha256);
        Assert.Equal(0, recovered.Offset);
    }

    [Fact]
    public void Recover_CompleteWithOtherDigests_DeletesAndStartsOver()
    {
        File.WriteAllBytes(_files.Job.TargetPath, _files.Content);
        new ResumeState { Source = ResumeState.SourceOf(_files.Spec.Url), Size = Size, BytesDone = Size, Complete = true, Sha256 = new string('0', 64) }.Write(_files.Job.StatePath);

        Assert.Equal(default, Record().Recover());
        Assert.False(File.Exists(_files.Job.TargetPath));
    }

    [Fact]
    public void HashPrefix_PrefixOnDisk_DigestCoversIt()
    {
        File.WriteAllBytes(_files.Job.TargetPath, _files.Content);
        var state = new TransferState(_files.Spec, _ => { });
        state.Resume(1000, null);

        Record().HashPrefix(state, CancellationToken.None);

        Assert.False(state.PrefixUnhashed);
        Assert.Equal(1000, state.Offset);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_files.Content.AsSpan(0, 1000))), state.Digest.Finish().Sha256);
    }

    [Fact]
    public void HashPrefix_FileShorterThanOffset_ResetsToZero()
    {
        File.WriteAllBytes(_files.Job.TargetPath, new byte[500]);
        var state = new TransferState(_files.Spec, _ => { });
        state.Resume(1000, "\"v1\"");

        Record().HashPrefix(state, CancellationToken.None);

        Assert.Equal((0L, (string?)null, false), (state.Offset, state.Validator, state.PrefixUnhashed));
    }

    [Fact]
    public void HashPrefix_Cancelled_ThrowsAndKeepsThePrefixToHashAgain()
    {
        File.WriteAllBytes(_files.Job.TargetPath, _files.Content);
        var state = new TransferState(_files.Spec, _ => { });
        state.Resume(1000, null);

        Assert.Throws<OperationCanceledException>(() => Record().HashPrefix(state, new CancellationToken(canceled: true)));

        Assert.True(state.PrefixUnhashed);
        Assert.Equal(0, state.Digest.BytesHashed);
    }

    [Fact]
    public void PersistPeriodically_FirstHalfSecond_WritesNothingThenTwicePerSecond()
    {
        var record = Record();
        var state = new TransferState(_files.Spec, _ => { });
        state.Offset = 10;
        record.PersistPeriodically(state);
        _clock.Advance(TimeSpan.FromMilliseconds(450));
        record.PersistPeriodically(state);
        Assert.False(File.Exists(_files.Job.StatePath)); // a file done within half a second needs no record on the way

        _clock.Advance(TimeSpan.FromMilliseconds(50));
        record.PersistPeriodically(state);
        Assert.Equal(10, ResumeState.TryRead(_files.Job.StatePath)!.BytesDone);

        state.Offset = 20;
        _clock.Advance(TimeSpan.FromMilliseconds(450));
        record.PersistPeriodically(state);
        Assert.Equal(10, ResumeState.TryRead(_files.Job.StatePath)!.BytesDone);
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        record.PersistPeriodically(state);
        Assert.Equal(20, ResumeState.TryRead(_files.Job.StatePath)!.BytesDone);
    }

    [Fact]
    public void Persist_PiecesWrittenAheadOfThePrefix_RecordedAndRecovered()
    {
        File.WriteAllBytes(_files.Job.TargetPath, _files.Content);
        var state = new TransferState(_files.Spec, _ => { }) { Offset = 1000, Validator = "\"v1\"" };
        state.Ahead.Advance(0, 1000); // hashed already: not recorded
        state.Ahead.Advance(1000, 1500);
        state.Ahead.Advance(5000, 9000);

        Record().Persist(state);
        var recovered = Record().Recover();

        Assert.Equal(1000, recovered.Offset);
        Assert.Equal([new ByteRange(1000, 1500), new ByteRange(5000, 9000)], recovered.Ahead);
        var reopened = new TransferState(_files.Spec, _ => { });
        reopened.Resume(recovered.Offset, recovered.Validator, recovered.Ahead);
        Assert.Equal(1000 + 500 + 4000, reopened.BytesKept);
        Assert.Equal(1500, reopened.Ahead.WrittenFrom(1000));
        Assert.Equal(4000, reopened.Ahead.WrittenFrom(4000));
    }

    [Fact]
    public void Recover_RangesAheadBeyondTheFileOrOverlapping_OnlyThePlausibleKept()
    {
        File.WriteAllBytes(_files.Job.TargetPath, new byte[8000]);
        new ResumeState
        {
            Source = ResumeState.SourceOf(_files.Spec.Url),
            Size = Size,
            BytesDone = 1000,
            Ahead = [new(500, 900), new(1000, 2000), new(1500, 2500), new(3000, 3000), new(7000, 9000)],
        }.Write(_files.Job.StatePath);

        Assert.Equal([new ByteRange(1000, 2000)], Record().Recover().Ahead);
    }

    [Fact]
    public void Reset_PiecesAhead_Forgotten()
    {
        var state = new TransferState(_files.Spec, _ => { });
        state.Resume(100, "\"v1\"", [new ByteRange(200, 300)]);

        state.Reset();

        Assert.Equal((0L, 200L), (state.BytesKept, state.Ahead.WrittenFrom(200))); // nothing written from 200 on
    }

    [Theory]
    [InlineData(1000, false)] // small: in place, no temp file renamed over it
    [InlineData(5L << 20, true)]
    public void Persist_BySize_SmallInPlaceLargeThroughARename(long size, bool renamed)
    {
        var job = _files.Job with { Spec = _files.Spec with { Size = size } };
        var record = new ResumeRecord(job, _clock);
        File.WriteAllText(job.StatePath, new string(' ', 4096)); // an old, longer record
        var inode = FileIdentity.Of(job.StatePath)!.Value.Inode;

        record.Persist(new TransferState(job.Spec, _ => { }) { Offset = 7 });

        Assert.Equal(7, ResumeState.TryRead(job.StatePath)!.BytesDone);
        Assert.Equal(renamed, FileIdentity.Of(job.StatePath)!.Value.Inode != inode);
    }

    [Fact]
    public void TryRead_TornRecord_CountsAsNone()
    {
        new ResumeState { Source = "s", Size = 10, BytesDone = 5 }.Write(_files.Job.StatePath, atomic: false);
        var whole = File.ReadAllBytes(_files.Job.StatePath);

        File.WriteAllBytes(_files.Job.StatePath, whole[..^1]); // a crash before the closing brace

        Assert.Null(ResumeState.TryRead(_files.Job.StatePath));
    }

    [Fact]
    public void Persist_Complete_RecordsTheDigests()
    {
        var state = new TransferState(_files.Spec, _ => { });
        state.Offset = Size;

        Record().Persist(state, complete: new Store.Digests.DigestResult(Size, "abc", "def"));

        var written = ResumeState.TryRead(_files.Job.StatePath)!;
        Assert.Equal((true, "abc", "def", (long)Size), (written.Complete, written.Sha256, written.Xxh128, written.BytesDone));
        Assert.Equal(ResumeState.SourceOf(_files.Spec.Url), written.Source);
    }

    public void Dispose() => _files.Dispose();

    private ResumeRecord Record() => new(_files.Job, _clock);

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += (long)by.TotalMilliseconds;
    }
}

using System.Security.Cryptography;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class TransferStateTests
{
    private static readonly FileSpec Spec = new() { Path = "a.bin", Url = new Uri("https://example.test/a.bin"), Size = 100, Sha256 = new string('0', 64) };

    private readonly List<long> _progress = [];

    [Fact]
    public void Reset_AfterProgress_BackToZeroWithFreshDigest()
    {
        var state = NewState();
        state.Resume(40, "\"v1\"");
        state.Digest.Append(new byte[40]);
        state.Report(10);

        state.Reset();

        Assert.Equal((0L, (string?)null, false), (state.Offset, state.Validator, state.PrefixUnhashed));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([])), state.Digest.Finish().Sha256);
        Assert.Equal([10L, -50L], _progress);
    }

    [Fact]
    public void Resume_NonZeroOffset_PrefixUnhashed()
    {
        var state = NewState();

        state.Resume(40, "\"v1\"");

        Assert.Equal((40L, "\"v1\"", true), (state.Offset, state.Validator, state.PrefixUnhashed));
    }

    [Fact]
    public void Accept_Continue_TakesTheValidator()
    {
        var state = NewState();
        state.Resume(40, "\"v1\"");

        state.Accept(new ResponseVerdict(ResponseOutcome.Continue, "\"v2\""));

        Assert.Equal((40L, "\"v2\""), (state.Offset, state.Validator));
    }

    [Fact]
    public void Accept_RestartFromZero_ResetsAndTakesTheValidator()
    {
        var state = NewState();
        state.Resume(40, "\"v1\"");

        state.Accept(new ResponseVerdict(ResponseOutcome.RestartFromZero, "\"v2\""));

        Assert.Equal((0L, "\"v2\"", false), (state.Offset, state.Validator, state.PrefixUnhashed));
    }

    [Fact]
    public void Accept_FailStartingOver_ThrowsAndResetsOnlyWhenApplied()
    {
        var state = NewState();
        state.Resume(40, "\"v1\"");

        var error = Assert.Throws<DownloadException>(() => state.Accept(ResponseVerdict.Failed(FailureReason.SizeMismatch, "gone", transient: true, startOver: true)));

        Assert.Equal((FailureReason.SizeMismatch, "gone", true), (error.Reason, error.Message, error.Transient));
        Assert.Equal(40, state.Offset);
        state.ApplyPendingReset();
        Assert.Equal((0L, (string?)null), (state.Offset, state.Validator));
    }

    [Fact]
    public void Accept_FailKeepingState_ApplyPendingResetKeepsOffset()
    {
        var state = NewState();
        state.Resume(40, "\"v1\"");

        Assert.Throws<DownloadException>(() => state.Accept(ResponseVerdict.Failed(FailureReason.HttpStatus, "HTTP 503 ServiceUnavailable", transient: true)));
        state.ApplyPendingReset();

        Assert.Equal((40L, "\"v1\""), (state.Offset, state.Validator));
    }

    [Fact]
    public void SettleProgress_WrittenAheadOfHashed_FallsBackToOffset()
    {
        var state = NewState();
        state.Resume(40, null);
        state.Report(30);
        state.Offset = 50;

        state.SettleProgress();
        state.SettleProgress();

        Assert.Equal([30L, -20L], _progress);
    }

    [Fact]
    public void Append_WithSourceCheck_DigestAndSourceCheckCoverEveryByteInOrder()
    {
        // Chunks above and below the size from which the two are hashed side by side, mixed.
        var data = new byte[(3 << 20) + 12345];
        new Random(7).NextBytes(data);
        var md5 = Convert.ToHexStringLower(MD5.HashData(data));
        var spec = Spec with { Size = data.Length, Sha256 = null, RecordSha256 = true, SourceChecksum = new SourceChecksum(SourceChecksumKind.Md5, md5, "md5") };
        var state = new TransferState(spec, _progress.Add);

        for (int pos = 0, step = 1 << 20; pos < data.Length; pos += step, step = step == 1 << 20 ? 4096 : 1 << 20)
        {
            state.Append(data.AsMemory(pos, Math.Min(step, data.Length - pos)));
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), state.Digest.Finish().Sha256);
        Assert.Null(state.SourceHash!.Mismatch());
    }

    [Fact]
    public void Append_WrongSourceCheck_MismatchNamesBothValues()
    {
        var data = new byte[1 << 20];
        var spec = Spec with { Size = data.Length, SourceChecksum = new SourceChecksum(SourceChecksumKind.Md5, new string('a', 32), "md5") };
        var state = new TransferState(spec, _progress.Add);

        state.Append(data);

        Assert.Equal($"md5 {Convert.ToHexStringLower(MD5.HashData(data))}, expected {new string('a', 32)}", state.SourceHash!.Mismatch());
    }

    private TransferState NewState() => new(Spec, _progress.Add);
}

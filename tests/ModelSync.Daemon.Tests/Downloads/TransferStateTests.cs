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

    private TransferState NewState() => new(Spec, _progress.Add);
}

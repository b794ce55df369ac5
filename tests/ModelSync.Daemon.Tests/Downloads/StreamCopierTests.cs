using System.Security.Cryptography;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class StreamCopierTests : IDisposable
{
    private const int Size = (2 << 20) + 12345;
    private readonly TransferTestFiles _files = new(Size);
    private readonly List<long> _progress = [];

    [Fact]
    public async Task CopyAsync_WholeBody_WrittenHashedAndReported()
    {
        var (state, copier) = NewCopier();
        using var handle = File.OpenHandle(_files.Job.TargetPath, FileMode.CreateNew, FileAccess.ReadWrite);
        using var stall = new CancellationTokenSource();

        await copier.CopyAsync(new MemoryStream(_files.Content), handle, stall);

        Assert.Equal(Size, state.Offset);
        Assert.Equal(Size, _progress.Sum());
        Assert.Equal(_files.Spec.Sha256, state.Digest.Finish().Sha256);
        handle.Dispose();
        Assert.Equal(_files.Content, File.ReadAllBytes(_files.Job.TargetPath));
    }

    [Fact]
    public async Task CopyAsync_FromOffset_WritesBehindThePrefix()
    {
        var (state, copier) = NewCopier();
        const int done = 1 << 20;
        state.Resume(done, null);
        state.Digest.Append(_files.Content.AsSpan(0, done));
        using var handle = File.OpenHandle(_files.Job.TargetPath, FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.Write(handle, _files.Content.AsSpan(0, done), 0);
        using var stall = new CancellationTokenSource();

        await copier.CopyAsync(new MemoryStream(_files.Content[done..]), handle, stall);

        Assert.Equal(_files.Spec.Sha256, state.Digest.Finish().Sha256);
        Assert.Equal(Size - done, _progress.Sum());
    }

    [Fact]
    public async Task CopyAsync_BodyEndsEarly_SourceUnreachableKeepingWhatArrived()
    {
        var (state, copier) = NewCopier();
        using var handle = File.OpenHandle(_files.Job.TargetPath, FileMode.CreateNew, FileAccess.ReadWrite);
        using var stall = new CancellationTokenSource();

        var error = await Assert.ThrowsAsync<DownloadException>(() => copier.CopyAsync(new MemoryStream(_files.Content[..1000]), handle, stall));

        Assert.Equal((FailureReason.SourceUnreachable, $"body ended after 1000 of {Size} bytes", true), (error.Reason, error.Message, error.Transient));
        Assert.Equal(1000, state.Offset);
        Assert.Equal(1000, state.Digest.BytesHashed);
    }

    [Fact]
    public async Task CopyAsync_SilentSource_StallTimerCancels()
    {
        var job = _files.Job with { StallTimeout = TimeSpan.FromMilliseconds(200) };
        var state = new TransferState(job.Spec, _progress.Add);
        var copier = new StreamCopier(job, new BandwidthLimiter(0), state, new ResumeRecord(job, TimeProvider.System));
        using var handle = File.OpenHandle(_files.Job.TargetPath, FileMode.CreateNew, FileAccess.ReadWrite);
        using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, TimeProvider.System);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copier.CopyAsync(new SilentStream(), handle, stall));

        Assert.True(stall.IsCancellationRequested);
        Assert.Equal(0, state.Offset);
    }

    [Fact]
    public async Task ReadOnceAsync_ResetMidBody_SourceUnreachable()
    {
        using var stall = new CancellationTokenSource();

        var error = await Assert.ThrowsAsync<DownloadException>(async () => await StreamCopier.ReadOnceAsync(new ResettingStream(), new byte[10], stall, TimeSpan.FromSeconds(30)));

        Assert.Equal((FailureReason.SourceUnreachable, "connection reset", true), (error.Reason, error.Message, error.Transient));
    }

    public void Dispose() => _files.Dispose();

    private (TransferState State, StreamCopier Copier) NewCopier()
    {
        var state = new TransferState(_files.Spec, _progress.Add);
        return (state, new StreamCopier(_files.Job, new BandwidthLimiter(0), state, new ResumeRecord(_files.Job, TimeProvider.System)));
    }

    private sealed class SilentStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    private sealed class ResettingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("connection reset"));
    }
}

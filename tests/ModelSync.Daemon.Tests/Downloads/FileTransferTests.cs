using System.Security.Cryptography;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class FileTransferTests
{
    private const int Size = 3 << 20;

    [Fact]
    public async Task RunAttemptAsync_StagedFileHardlinkedElsewhere_OtherLinkUnchanged()
    {
        using var files = new TransferTestFiles(Size);
        // What another store path holds: same length, other bytes, so any write into the shared inode shows.
        var published = Path.Combine(files.Root, "published.bin");
        var other = RandomNumberGenerator.GetBytes(Size);
        File.WriteAllBytes(published, other);
        Assert.True(ModelSync.Store.IO.FileIdentity.TryHardLink(published, files.Job.TargetPath));
        files.WriteResumeRecord(bytesDone: 1 << 20);

        var transfer = files.Open();
        await transfer.RunAttemptAsync(CancellationToken.None);

        Assert.Equal(0, transfer.BytesResumedFrom);
        Assert.Equal(other, File.ReadAllBytes(published));
        Assert.Equal(files.Content, File.ReadAllBytes(files.Job.TargetPath));
        Assert.Equal(files.Spec.Sha256, transfer.Result!.Sha256);
        Assert.Equal(1u, ModelSync.Store.IO.FileIdentity.Of(files.Job.TargetPath)?.Links);
    }

    [Fact]
    public async Task RunAttemptAsync_StagedPrefixWithOneLink_ResumesBehindIt()
    {
        using var files = new TransferTestFiles(Size);
        const int done = 1 << 20;
        File.WriteAllBytes(files.Job.TargetPath, files.Content.AsSpan(0, done).ToArray());
        files.WriteResumeRecord(bytesDone: done);

        var transfer = files.Open();
        await transfer.RunAttemptAsync(CancellationToken.None);

        Assert.Equal(done, transfer.BytesResumedFrom);
        Assert.Equal(files.Content, File.ReadAllBytes(files.Job.TargetPath));
        Assert.Equal(files.Spec.Sha256, transfer.Result!.Sha256);
        Assert.True(ResumeState.TryRead(files.Job.StatePath)!.Complete);
    }
}

using System.Diagnostics;
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
        Link(published, files.Job.TargetPath);
        files.WriteResumeRecord(bytesDone: 1 << 20);

        var transfer = files.Open();
        await transfer.RunAttemptAsync(CancellationToken.None);

        Assert.Equal(0, transfer.BytesResumedFrom);
        Assert.Equal(other, File.ReadAllBytes(published));
        Assert.Equal(files.Content, File.ReadAllBytes(files.Job.TargetPath));
        Assert.Equal(files.Spec.Sha256, transfer.Result!.Sha256);
        Assert.Equal(1u, LinkCount.Of(files.Job.TargetPath));
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

    [Fact]
    public void LinkCount_SecondName_Two()
    {
        using var files = new TransferTestFiles(16);
        var second = Path.Combine(files.Root, "second.bin");
        Assert.Equal(1u, LinkCount.Of(files.SourcePath));

        Link(files.SourcePath, second);

        Assert.Equal(2u, LinkCount.Of(files.SourcePath));
        Assert.Equal(2u, LinkCount.Of(second));
    }

    [Fact]
    public void LinkCount_Missing_Null()
    {
        using var files = new TransferTestFiles(16);

        Assert.Null(LinkCount.Of(Path.Combine(files.Root, "absent.bin")));
    }

    /// <summary>The test project has no unsafe code for a LibraryImport of link(2); ln is as good.</summary>
    private static void Link(string existing, string newPath)
    {
        using var ln = Process.Start("ln", [existing, newPath]);
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }
}

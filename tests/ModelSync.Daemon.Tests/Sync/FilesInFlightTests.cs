using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sync;

namespace ModelSync.Daemon.Tests.Sync;

public sealed class FilesInFlightTests
{
    private static readonly SyncSettings Defaults = new();

    private static FileSpec File(long size, string scheme = "http") => new()
    {
        Path = $"f{size}",
        Url = new Uri(scheme == "file" ? $"file:///models/f{size}" : $"{scheme}://127.0.0.1/f{size}"),
        Size = size,
    };

    private static FileSpec[] Files(int count, long size) => [.. Enumerable.Range(0, count).Select(_ => File(size))];

    [Fact]
    public void For_ManySmallFiles_FillsTheConnectionBudget()
    {
        Assert.Equal(FilesInFlight.ConnectionBudget, FilesInFlight.For(Files(2000, 50_000), Defaults));
    }

    [Fact]
    public void For_FewerFilesThanTheBudget_NeverMoreThanTheFiles()
    {
        Assert.Equal(3, FilesInFlight.For(Files(3, 50_000), Defaults));
    }

    [Fact]
    public void For_OneLargeFile_OneFileItsRangesFillTheBudget()
    {
        Assert.Equal(1, FilesInFlight.For([File(1L << 30)], Defaults));
    }

    [Fact]
    public void For_ManyLargeFiles_BudgetDividedBySegmentsPerFile()
    {
        // 16 connections / 4 ranges each.
        Assert.Equal(4, FilesInFlight.For(Files(10, 1L << 30), Defaults));
        Assert.Equal(2, FilesInFlight.For(Files(10, 1L << 30), Defaults with { SegmentsPerFile = 8 }));
    }

    [Fact]
    public void For_LargeFilesWithoutRanges_CountAsOneConnection()
    {
        Assert.Equal(10, FilesInFlight.For(Files(10, 1L << 30), Defaults with { SegmentsPerFile = 1 }));
        Assert.Equal(10, FilesInFlight.For([.. Enumerable.Range(0, 10).Select(_ => File(1L << 30, "file"))], Defaults));
    }

    [Fact]
    public void For_MixOfLargeAndSmall_BetweenTheTwo()
    {
        // 2 large (4 connections each) + 30 small (1 each): 38 connections over 32 files, ~1.19 a file.
        var files = Files(2, 1L << 30).Concat(Files(30, 50_000)).ToArray();
        Assert.Equal(13, FilesInFlight.For(files, Defaults));
    }

    [Fact]
    public void For_NoFiles_One()
    {
        Assert.Equal(1, FilesInFlight.For([], Defaults));
    }
}

using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.IO;

/// <summary>Hard links and byte counts on the real filesystem, checked against <c>stat</c>'s own view.</summary>
public sealed class DiskUsageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelsync-du-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, int size)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[size]);
        return path;
    }

    [Fact]
    public void UniqueBytes_HardLinkInAnotherDirectory_CountedOnce()
    {
        var a = Write("a/w.bin", 1000);
        Write("a/c.json", 10);
        Directory.CreateDirectory(Path.Combine(_dir, "b"));
        Assert.True(FileIdentity.TryHardLink(a, Path.Combine(_dir, "b", "w.bin")));

        Assert.Equal(1010, DiskUsage.UniqueBytes(Path.Combine(_dir, "a"), Path.Combine(_dir, "b")));
    }

    [Fact]
    public void OwnBytes_ASharedAnOwnAndAnAbsentFile_OnlyTheOwnOne()
    {
        var shared = Write("a/w.bin", 1000);
        var own = Write("b/own.bin", 7);
        var link = Path.Combine(_dir, "b", "w.bin");
        Assert.True(FileIdentity.TryHardLink(shared, link));

        Assert.Equal(7, DiskUsage.OwnBytes([own, link, Path.Combine(_dir, "b", "absent.bin")]));
    }

    [Fact]
    public void FreedBy_BothNamesOfAnInodeRemoved_FreedOnceAndASharedOneNot()
    {
        var a = Write("a/w.bin", 1000);
        var b = Path.Combine(_dir, "b", "w.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(b)!);
        Assert.True(FileIdentity.TryHardLink(a, b));
        Write("a/c.json", 10);

        Assert.Equal(10, DiskUsage.FreedBy([Path.Combine(_dir, "a")]));
        Assert.Equal(1010, DiskUsage.FreedBy([Path.Combine(_dir, "a"), Path.Combine(_dir, "b")]));
    }

    [Fact]
    public void Of_Directory_NotARegularFile() => Assert.False(FileIdentity.Of(_dir)!.Value.IsRegularFile);

    [Fact]
    public void Of_HardLinkedFile_SameInodeAndTwoLinksAsStatSays()
    {
        var a = Write("w.bin", 3);
        var b = Path.Combine(_dir, "w2.bin");
        Assert.True(FileIdentity.TryHardLink(a, b));

        var id = FileIdentity.Of(b)!.Value;
        var stat = Tool.Run("stat", "-c", "%i %h %s", b).Stdout.Trim().Split(' ');

        Assert.True(FileIdentity.Same(a, b));
        Assert.Equal(ulong.Parse(stat[0]), id.Inode);
        Assert.Equal(uint.Parse(stat[1]), id.Links);
        Assert.Equal(3, id.Size);
        Assert.False(FileIdentity.Same(a, Write("other.bin", 3)));
    }

    [Fact]
    public void Of_MissingPath_Null() => Assert.Null(FileIdentity.Of(Path.Combine(_dir, "absent")));
}

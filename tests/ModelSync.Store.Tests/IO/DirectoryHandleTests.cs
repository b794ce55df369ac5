using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.IO;

public sealed class DirectoryHandleTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("dirhandle-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string At(string relative) => Path.Combine(root, relative);

    private DirectoryHandle OpenRoot() => DirectoryHandle.Open(root) ?? throw new InvalidOperationException("root not opened");

    [Fact]
    public void OpenBeneath_RealDirectories_OpensAndSeesTheFilesBeneath()
    {
        Directory.CreateDirectory(At("a/b"));
        File.WriteAllBytes(At("a/b/f"), new byte[7]);
        using var handle = OpenRoot();

        using var dir = handle.OpenBeneath("a/b");

        Assert.NotNull(dir);
        Assert.Equal(7, dir.RegularFileSize("f"));
    }

    [Theory]
    [InlineData("link")] // the last segment a symlink to a real directory inside the root
    [InlineData("link/b")] // a segment on the way a symlink
    [InlineData("a/../a")]
    [InlineData("/tmp")]
    [InlineData("a//b")]
    [InlineData("missing")]
    public void OpenBeneath_SymlinkUnsafeOrMissing_IsNull(string relative)
    {
        Directory.CreateDirectory(At("a/b"));
        Directory.CreateSymbolicLink(At("link"), "a");
        using var handle = OpenRoot();

        Assert.Null(handle.OpenBeneath(relative));
    }

    [Fact]
    public void Open_RootThatIsASymlink_IsFollowed()
    {
        // The store's root may be reached through a link (a mount path); only what lies below it must not be.
        Directory.CreateDirectory(At("real"));
        File.WriteAllBytes(At("real/f"), new byte[3]);
        Directory.CreateSymbolicLink(At("root-link"), "real");

        using var handle = DirectoryHandle.Open(At("root-link"));

        Assert.Equal(3, handle?.RegularFileSize("f"));
    }

    [Fact]
    public void RegularFileSize_RegularFileInSubdirectory_IsItsSize()
    {
        Directory.CreateDirectory(At("onnx"));
        File.WriteAllBytes(At("onnx/model.onnx"), new byte[70_000]);
        using var handle = OpenRoot();

        Assert.Equal(70_000, handle.RegularFileSize("onnx/model.onnx"));
    }

    [Fact]
    public void RegularFileSize_SymlinkToASameSizedFileInside_IsNull()
    {
        File.WriteAllBytes(At("real"), new byte[10]);
        File.CreateSymbolicLink(At("f"), "real");
        using var handle = OpenRoot();

        Assert.Null(handle.RegularFileSize("f"));
    }

    [Fact]
    public void RegularFileSize_DirectoryOnTheWaySwappedForASymlink_IsNull()
    {
        Directory.CreateDirectory(At("copy"));
        File.WriteAllBytes(At("copy/model.onnx"), new byte[10]);
        Directory.CreateSymbolicLink(At("onnx"), "copy");
        using var handle = OpenRoot();

        Assert.Equal(10, handle.RegularFileSize("copy/model.onnx"));
        Assert.Null(handle.RegularFileSize("onnx/model.onnx"));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("dir")]
    [InlineData("fifo")]
    [InlineData("../outside")]
    [InlineData("/etc/hostname")]
    [InlineData("dir/")]
    public void RegularFileSize_NotARegularFileBeneath_IsNull(string relative)
    {
        Directory.CreateDirectory(At("dir"));
        Assert.Equal(0, Tool.Run("mkfifo", At("fifo")).ExitCode);
        using var handle = OpenRoot();

        Assert.Null(handle.RegularFileSize(relative));
    }

    [Fact]
    public void ReadFile_LargerThanTheBuffer_ReadsItAllAndGrowsTheBuffer()
    {
        var content = StoreBuilder.Bytes(100_000);
        File.WriteAllBytes(At("m.json"), content);
        using var handle = OpenRoot();
        var buffer = new byte[16];

        var length = handle.ReadFile("m.json", ref buffer);

        Assert.Equal(content.Length, length);
        Assert.Equal(content, buffer[..content.Length]);
    }

    [Fact]
    public void ReadFile_Missing_IsNull()
    {
        using var handle = OpenRoot();
        var buffer = new byte[16];

        Assert.Null(handle.ReadFile("nothing", ref buffer));
    }
}

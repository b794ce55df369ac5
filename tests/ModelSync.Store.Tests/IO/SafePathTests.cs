using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.IO;

public sealed class SafePathTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("..", "'..' segment")]
    [InlineData("../x", "'..' segment")]
    [InlineData("a/../../x", "'..' segment")]
    [InlineData("a//b", "'' segment")]
    [InlineData("./a", "'.' segment")]
    [InlineData("a/", "'' segment")]
    [InlineData("a\\..\\b", "forbidden character")]
    [InlineData("a\0b", "forbidden character")]
    public void CheckRelative_UnsafePath_IsRefusedWithReason(string path, string reason)
    {
        var problem = SafePath.CheckRelative(path);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("config.json")]
    [InlineData("onnx/model.onnx")]
    [InlineData("a..b/.hidden")]
    public void CheckRelative_NormalPath_IsAccepted(string path) => Assert.Null(SafePath.CheckRelative(path));

    [Fact]
    public void Resolve_PathThroughSymlink_IsRefusedEvenWhenTargetIsInside()
    {
        using var store = new StoreBuilder();
        Directory.CreateDirectory(Path.Combine(store.Root, "real"));
        File.WriteAllText(Path.Combine(store.Root, "real", "f"), "x");
        Directory.CreateSymbolicLink(Path.Combine(store.Root, "link"), "/etc");
        File.CreateSymbolicLink(Path.Combine(store.Root, "real", "passwd"), "/etc/passwd");

        Assert.Null(SafePath.Resolve(store.Root, "link/passwd", out var viaDir));
        Assert.Contains("symlink at 'link'", viaDir, StringComparison.Ordinal);
        Assert.Null(SafePath.Resolve(store.Root, "real/passwd", out var viaFile));
        Assert.Contains("symlink at 'real/passwd'", viaFile, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PlainPath_ReturnsFullPathEvenIfMissing()
    {
        using var store = new StoreBuilder();

        Assert.Equal(Path.Combine(store.Root, "a", "b"), SafePath.Resolve(store.Root, "a/b", out var problem));
        Assert.Null(problem);
    }
}

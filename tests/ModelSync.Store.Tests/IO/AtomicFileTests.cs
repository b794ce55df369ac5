using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void WriteAllBytes_ExistingFile_IsReplacedAndNoTempFileIsLeft()
    {
        using var store = new StoreBuilder();
        var path = Path.Combine(store.Root, "doc.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllBytes(path, "new"u8);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["doc.json"], Directory.GetFiles(store.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAllBytes_MissingDirectory_ThrowsAndLeavesNothing()
    {
        using var store = new StoreBuilder();

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllBytes(Path.Combine(store.Root, "no", "doc"), "x"u8));
        Assert.Empty(Directory.GetFileSystemEntries(store.Root));
    }

    [Fact]
    public async Task WriteAllBytes_ConcurrentReader_SeesOldOrNewNeverAMix()
    {
        using var store = new StoreBuilder();
        var path = Path.Combine(store.Root, "doc");
        var a = Enumerable.Repeat((byte)'a', 64 * 1024).ToArray();
        var b = Enumerable.Repeat((byte)'b', 64 * 1024).ToArray();
        AtomicFile.WriteAllBytes(path, a);
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                AtomicFile.WriteAllBytes(path, i % 2 == 0 ? b : a);
            }
        });

        var reads = 0;
        while (!writer.IsCompleted || reads == 0)
        {
            var content = File.ReadAllBytes(path);
            Assert.True(content.AsSpan().SequenceEqual(a) || content.AsSpan().SequenceEqual(b), "a reader saw a torn file");
            reads++;
        }

        await writer;
    }
}

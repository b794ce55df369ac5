using System.Formats.Tar;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Sync;

/// <summary>The tar layer rules, in-process: what is written, what is refused, and that nothing lands outside staging.</summary>
public sealed class ArchiveUnpackerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelsync-unpack-" + Guid.NewGuid().ToString("N")[..8]);

    public ArchiveUnpackerTests() => Directory.CreateDirectory(Staging);

    private string Staging => Path.Combine(_dir, "staging");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private List<FileEntry> Unpack(byte[] archive, LayerFormat format = LayerFormat.Tar, Func<string, bool>? selected = null, params (string Path, byte[] Content)[] raw)
    {
        var path = $".modelsync-layers/{Guid.NewGuid():N}.tar";
        Directory.CreateDirectory(Path.Combine(Staging, ".modelsync-layers"));
        File.WriteAllBytes(Path.Combine(Staging, path), archive);
        var supplied = new List<(ResolvedFile, FileEntry)>();
        foreach (var (rawPath, content) in raw)
        {
            File.WriteAllBytes(Path.Combine(Staging, rawPath), content);
            var spec = new FileSpec { Path = rawPath, Url = new Uri("http://127.0.0.1/x"), Size = content.Length, Sha256 = Digest.Sha256(content) };
            supplied.Add((new ResolvedFile(spec, null), spec.ToEntry(spec.Sha256, Digest.Xxh128(content))));
        }

        var layer = new FileSpec { Path = path, Url = new Uri("http://127.0.0.1/blob"), Size = archive.Length, Sha256 = Digest.Sha256(archive) };
        supplied.Add((new ResolvedFile(layer, null) { Unpack = new ArchiveUnpack(format, selected ?? (_ => true), "layer 0") }, layer.ToEntry(layer.Sha256, null)));
        return ArchiveUnpacker.Unpack(Staging, supplied, CancellationToken.None);
    }

    [Fact]
    public void Unpack_FilesDirsAndLinksInside_FilesWithDigestsAndTheArchiveGone()
    {
        byte[] shard = [1, 2, 3, 4, 5];
        var tar = TestTar.TarGz(TarItem.Dir("./w/"), TarItem.File("./w/a.bin", shard), TarItem.Symlink("w/b.bin", "a.bin"),
            new TarItem("w/sub/c.bin", TarEntryType.HardLink, LinkName: "w/a.bin"), TarItem.Symlink("top.bin", "w/b.bin"));

        var entries = Unpack(tar, LayerFormat.TarGzip, raw: ("README.md", [9]));

        Assert.Equal(["README.md", "top.bin", "w/a.bin", "w/b.bin", "w/sub/c.bin"], entries.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(entries.Where(e => e.Path != "README.md"), e =>
        {
            Assert.Equal(shard, File.ReadAllBytes(Path.Combine(Staging, e.Path)));
            Assert.Null(new FileInfo(Path.Combine(Staging, e.Path)).LinkTarget);
            Assert.Equal((Digest.Sha256(shard), Digest.Xxh128(shard), 5L), (e.Sha256, e.Xxh128, e.Size));
        });
        Assert.False(Directory.Exists(Path.Combine(Staging, ".modelsync-layers")));
    }

    [Fact]
    public void Unpack_EntriesTheFiltersDrop_NotWritten()
    {
        var tar = TestTar.Tar(TarItem.File("keep.json", [1]), TarItem.File("onnx/model.onnx", [2]));

        var entries = Unpack(tar, selected: p => !p.StartsWith("onnx/", StringComparison.Ordinal));

        Assert.Equal(["keep.json"], entries.Select(e => e.Path));
        Assert.False(File.Exists(Path.Combine(Staging, "onnx/model.onnx")));
    }

    [Theory]
    [InlineData("../x", "cannot be stored")]
    [InlineData("a/../../x", "cannot be stored")]
    [InlineData("/etc/x", "has an absolute path")]
    [InlineData(".modelsync/marker.json", "is reserved")]
    public void Unpack_PathLeavingTheVersion_RefusedSourceInvalidNamingIt(string name, string why)
    {
        var error = Assert.Throws<DownloadException>(() => Unpack(TestTar.Tar(TarItem.File(name, [1]))));

        Assert.Equal(FailureReason.SourceInvalid, error.Reason);
        Assert.Equal(name, error.File);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x")));
    }

    [Theory]
    [InlineData("../../x", "outside the version")]
    [InlineData("/etc/passwd", "outside the version")]
    [InlineData("missing.bin", "no file of the version")]
    [InlineData(".", "no file of the version")]
    public void Unpack_LinkOut_RefusedAndNoLinkCreated(string target, string why)
    {
        var error = Assert.Throws<DownloadException>(() => Unpack(TestTar.Tar(TarItem.File("w/a.bin", [1]), TarItem.Symlink("w/link", target))));

        Assert.Equal(FailureReason.SourceInvalid, error.Reason);
        Assert.Equal("w/link", error.File);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(Staging, "w/link")));
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public void Unpack_DeviceOrFifo_Refused(TarEntryType type)
    {
        var error = Assert.Throws<DownloadException>(() => Unpack(TestTar.Tar(new TarItem("dev/x", type))));

        Assert.Equal(FailureReason.SourceInvalid, error.Reason);
        Assert.Contains("no device or fifo", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(Staging, "dev/x")));
    }

    [Fact]
    public void Unpack_EntryAlsoARawLayerFile_Refused()
    {
        var error = Assert.Throws<DownloadException>(() => Unpack(TestTar.Tar(TarItem.File("config.json", [1])), raw: ("config.json", [2])));

        Assert.Contains("also 'config.json'", error.Message, StringComparison.Ordinal);
        Assert.Equal([2], File.ReadAllBytes(Path.Combine(Staging, "config.json")));
    }

    [Fact]
    public void Unpack_NotATar_SourceInvalid()
    {
        var error = Assert.Throws<DownloadException>(() => Unpack([1, 2, 3], LayerFormat.TarGzip));

        Assert.Equal(FailureReason.SourceInvalid, error.Reason);
    }
}

using ModelSync.Daemon.Content;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Content;

/// <summary>The index against real version directories and markers on disk.</summary>
public sealed class ContentIndexTests : IDisposable
{
    private static readonly string Sha = new('a', 64);
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-index-").FullName;
    private readonly StoreLayout _layout;

    public ContentIndexTests() => _layout = new StoreLayout(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static FileSpec Wanted => new() { Path = "x/w.bin", Url = new Uri("http://127.0.0.1/w.bin"), Size = 4, Sha256 = Sha };

    private string Version(string name, string version, string markerName = null!, string file = "w.bin")
    {
        var dir = _layout.VersionDir(name, version);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, file), [1, 2, 3, 4]);
        var marker = new ModelMarker { Name = markerName ?? name, Version = version, Files = [new FileEntry { Path = file, Size = 4, Sha256 = Sha }] };
        MarkerFile.Write(dir, marker);
        return dir;
    }

    [Fact]
    public void Find_SameContentInAnotherModel_FoundWithItsFullPath()
    {
        var dir = Version("other", "v1");

        var found = Assert.Single(ContentIndex.Read(_layout).Find(Wanted));

        Assert.Equal(Path.Combine(dir, "w.bin"), found.FullPath);
        Assert.True(found.Vouched);
        Assert.Equal(("other", "v1"), (found.Model, found.Version));
    }

    [Fact]
    public void Find_MarkerNamingAnotherModel_NotTrusted()
    {
        Version("m", "v1", markerName: "someone-else");

        Assert.Empty(ContentIndex.Read(_layout).Find(Wanted));
    }

    [Fact]
    public void Find_CondemnedVersion_OnlyItsSalvagedFilesAndNotVouched()
    {
        var dir = Version("m", "v1");
        MarkerFile.Condemn(dir, MarkerFile.TryRead(dir)! with { Files = [] });
        var salvaged = Version("n", "v1");
        MarkerFile.Condemn(salvaged, MarkerFile.TryRead(salvaged)!);

        var found = Assert.Single(ContentIndex.Read(_layout).Find(Wanted));

        Assert.Equal("n", found.Model);
        Assert.False(found.Vouched);
    }

    [Fact]
    public void Find_MarkerListingAPathOutsideTheVersion_Ignored()
    {
        var dir = _layout.VersionDir("m", "v1");
        Directory.CreateDirectory(dir);
        MarkerFile.Write(dir, new ModelMarker { Name = "m", Version = "v1", Files = [new FileEntry { Path = "../../../escape", Size = 4, Sha256 = Sha }] });

        Assert.Empty(ContentIndex.Read(_layout).Find(Wanted));
    }

    [Fact]
    public void Find_VersionDirThatIsASymlink_Ignored()
    {
        var outside = Directory.CreateTempSubdirectory("modelsync-outside-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(outside, "w.bin"), [1, 2, 3, 4]);
            MarkerFile.Write(outside, new ModelMarker { Name = "m", Version = "v1", Files = [new FileEntry { Path = "w.bin", Size = 4, Sha256 = Sha }] });
            Directory.CreateDirectory(_layout.ModelDir("m"));
            Directory.CreateSymbolicLink(_layout.VersionDir("m", "v1"), outside);

            Assert.Empty(ContentIndex.Read(_layout).Find(Wanted));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}

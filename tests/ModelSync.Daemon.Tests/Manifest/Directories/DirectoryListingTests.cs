using ModelSync.Daemon.Manifest.Directories;

namespace ModelSync.Daemon.Tests.Manifest.Directories;

public sealed class DirectoryListingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_KubeletVolume_ReadsThroughDataSkipsHiddenAndOtherFiles_InNameOrder()
    {
        var volume = new KubeletVolume(_dir.Combine("models"));
        volume.Write(new Dictionary<string, string> { ["team-b.yaml"] = "b", ["settings.yml"] = "s", ["README.txt"] = "r", ["a-team.YAML"] = "a" });

        var read = DirectoryListing.Read(volume.Path);

        Assert.Null(read.Error);
        Assert.Equal(["a-team.YAML", "settings.yml", "team-b.yaml"], read.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.All(read.Files, f => Assert.Equal(volume.Path, Path.GetDirectoryName(f.Path)));
        Assert.Equal("b", System.Text.Encoding.UTF8.GetString(read.Files[2].Bytes!));
        Assert.Contains(Directory.EnumerateDirectories(volume.Path), d => Path.GetFileName(d).StartsWith("..2026_", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_AfterAnUpdate_SeesTheNewKeysOnly_AndTheFingerprintChanges()
    {
        var volume = new KubeletVolume(_dir.Combine("models"));
        volume.Write(new Dictionary<string, string> { ["a.yaml"] = "1", ["b.yaml"] = "1" });
        var before = DirectoryListing.Read(volume.Path);

        volume.Write(new Dictionary<string, string> { ["a.yaml"] = "2", ["c.yaml"] = "1" });
        var after = DirectoryListing.Read(volume.Path);

        Assert.Equal(["a.yaml", "c.yaml"], after.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(after.Files[0].Bytes!));
        Assert.NotEqual(before.Fingerprint(), after.Fingerprint());
        Assert.Equal(after.Fingerprint(), DirectoryListing.Read(volume.Path).Fingerprint());
    }

    [Fact]
    public void Read_PlainDirectory_FollowsSymlinkedFiles_SkipsHiddenOnes()
    {
        File.WriteAllText(_dir.Combine("elsewhere.txt"), "linked");
        Directory.CreateDirectory(_dir.Combine("m"));
        File.WriteAllText(_dir.Combine("m", "own.yaml"), "own");
        File.WriteAllText(_dir.Combine("m", ".hidden.yaml"), "hidden");
        File.CreateSymbolicLink(_dir.Combine("m", "linked.yaml"), _dir.Combine("elsewhere.txt"));

        var read = DirectoryListing.Read(_dir.Combine("m"));

        Assert.Equal(["linked", "own"], read.Files.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes!)));
    }

    [Fact]
    public void Read_MissingDirectory_IsAnErrorNotAnEmptyList()
    {
        var read = DirectoryListing.Read(_dir.Combine("absent"));

        Assert.Empty(read.Files);
        Assert.StartsWith("cannot list the manifest directory", read.Error, StringComparison.Ordinal);
    }
}

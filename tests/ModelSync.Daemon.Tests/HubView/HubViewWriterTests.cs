using Microsoft.Extensions.Logging.Abstractions;
using ModelSync.Daemon.HubView;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.HubView;

/// <summary>A refresh for a few models rederives those alone, and still leaves hub/ as a whole refresh would.</summary>
public sealed class HubViewWriterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-hubview-").FullName;
    private readonly StoreLayout _layout;
    private readonly HubViewWriter _writer = new(NullLogger<HubViewWriter>.Instance);

    public HubViewWriterTests() => _layout = new StoreLayout(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Hex(char c, int length) => new(c, length);

    /// <summary>models/NAME/COMMIT with one file, from hf://org/REPO@main (or a plain https source), current.</summary>
    private string Publish(string name, char commit, string? repo)
    {
        var version = Hex(commit, 40);
        var dir = _layout.VersionDir(name, version);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
        MarkerFile.Write(dir, new ModelMarker
        {
            Name = name,
            Version = version,
            Source = repo is null ? "https://example.invalid/" : $"hf://org/{repo}@main",
            Files = [new FileEntry { Path = "config.json", Size = 2, GitBlobSha1 = Hex('b', 40) }],
        });
        CurrentLink.Switch(_layout, name, version);
        return version;
    }

    private string Ref(string repo) => File.ReadAllText(Path.Combine(_layout.HubDir, $"models--org--{repo}", "refs", "main"));

    [Fact]
    public void Refresh_OneModelNamed_RederivesThatModelOnly()
    {
        for (var i = 0; i < 5; i++)
        {
            Publish($"plain{i}", 'a', repo: null);
        }

        _writer.Refresh(_layout);
        Assert.Equal(5, _writer.RefreshedModels);

        _writer.Refresh(_layout, ["plain2"]);

        Assert.Equal(6, _writer.RefreshedModels);
        Assert.False(Directory.Exists(_layout.HubDir)); // no hf:// model: no hub/ at all
    }

    [Fact]
    public void Refresh_ModelAddedThenRemoved_ItsRepositoryComesAndGoesAndTheOtherStays()
    {
        var a = Publish("a", 'a', "one");
        _writer.Refresh(_layout);

        var b = Publish("b", 'c', "two");
        _writer.Refresh(_layout, ["b"]);
        Assert.Equal((a, b), (Ref("one"), Ref("two")));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(_layout.HubDir, "models--org--two", "snapshots", b, "config.json")));

        TreeRemover.Remove(_layout.VersionDir("b", b));
        _writer.Refresh(_layout, ["b"]);

        Assert.False(Directory.Exists(Path.Combine(_layout.HubDir, "models--org--two")));
        Assert.Equal(a, Ref("one"));
    }

    [Fact]
    public void Refresh_SecondModelOfTheSameRepository_RepositoryKeepsBoth()
    {
        var a = Publish("a", 'a', "one");
        _writer.Refresh(_layout);

        var b = Publish("b", 'c', "one");
        _writer.Refresh(_layout, ["b"]);

        var snapshots = Directory.EnumerateDirectories(Path.Combine(_layout.HubDir, "models--org--one", "snapshots")).Select(Path.GetFileName).Order();
        Assert.Equal([a, b], snapshots);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Daemon.Sources;
using ModelSync.Daemon.Sources.Listed;

namespace ModelSync.Daemon.Tests.Gc;

public sealed class GarbageCollectorTests
{
    [Fact]
    public void Collect_RemovesReadOnlyTreesAndLinks_KeepsCurrent_DryRunChangesNothing()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        Publish(layout, "m", "v1", 1);
        Publish(layout, "m", "v2", 2);
        Publish(layout, "m", "v3", 3);
        Publish(layout, "gone", "v1", 1);
        // A version whose directory lost its write bit, with a nested read-only dir.
        Directory.CreateDirectory(Path.Combine(layout.VersionDir("m", "v1"), "sub"));
        File.WriteAllText(Path.Combine(layout.VersionDir("m", "v1"), "sub", "x"), "x");
        File.SetUnixFileMode(Path.Combine(layout.VersionDir("m", "v1"), "sub", "x"), UnixFileMode.UserRead);
        File.SetUnixFileMode(Path.Combine(layout.VersionDir("m", "v1"), "sub"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(layout.VersionDir("m", "v1"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var manifest = Manifest(dir.Path, ("m", "v3"));
        var gc = new GarbageCollector(new FakeTimeProvider(), new StoreChanges(), NullLogger<GarbageCollector>.Instance);

        var dry = gc.Collect(layout, manifest, dryRun: true);
        Assert.Equal(3, dry.Removed.Count);
        Assert.True(Directory.Exists(layout.VersionDir("m", "v1")));

        var result = gc.Collect(layout, manifest, dryRun: false);

        Assert.Empty(result.Failures);
        Assert.False(Directory.Exists(layout.VersionDir("m", "v1")));
        Assert.True(Directory.Exists(layout.VersionDir("m", "v2")));
        Assert.True(Directory.Exists(layout.VersionDir("m", "v3")));
        Assert.Equal("v3", CurrentLink.Read(layout, "m"));
        Assert.False(Directory.Exists(layout.ModelDir("gone")));
        Assert.Null(new FileInfo(layout.CurrentLink("gone")).LinkTarget);
        Assert.Empty(Directory.EnumerateFileSystemEntries(layout.TrashDir));
    }

    private static void Publish(StoreLayout layout, string name, string version, int day)
    {
        var dir = layout.VersionDir(name, version);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "w.bin"), version);
        File.SetUnixFileMode(Path.Combine(dir, "w.bin"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        MarkerFile.Write(dir, new ModelMarker { Name = name, Version = version, PublishedAt = new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero) });
        CurrentLink.Switch(layout, name, version);
    }

    private static ModelManifest Manifest(string root, params (string Name, string Version)[] models) => new()
    {
        SourcePath = "test.yaml",
        Store = new StoreSettings { Root = root, KeepVersions = 1 },
        Sync = new SyncSettings(),
        Models = [.. models.Select(m => new ModelSpec
        {
            Name = m.Name,
            Version = m.Version,
            Source = new ListedSpec(null, null),
            Files = [new FileSpec { Path = "w.bin", Url = new Uri("http://127.0.0.1/w.bin"), Size = 2 }],
        })],
    };
}

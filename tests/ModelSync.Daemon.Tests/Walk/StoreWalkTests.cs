using ModelSync.Daemon.Content;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Walk;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Walk;

/// <summary>The one walk <c>status</c> and <c>/status</c> take (issue 33) counts what the full walk counts, lists what
/// the scan lists, and probes the pins; the status verb reads no marker of a version it prints no last use for.</summary>
public sealed class StoreWalkTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Take_SharedFilesStagingTrashAndSymlinks_BytesEqualTheFullWalk()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        var v1 = Publish(layout, "a", "v1", Day1, 100);
        var v2 = Publish(layout, "a", "v2", Day1, 200);
        Assert.True(FileIdentity.TryHardLink(Path.Combine(v1, "w.bin"), Path.Combine(v2, "shared.bin"))); // counted once
        Directory.CreateDirectory(Path.Combine(v2, "sub", "deeper"));
        File.WriteAllBytes(Path.Combine(v2, "sub", "deeper", "x.bin"), new byte[50]);
        File.WriteAllBytes(Path.Combine(v2, ".hidden"), new byte[7]);
        File.CreateSymbolicLink(Path.Combine(v2, "link.bin"), Path.Combine(v1, "w.bin")); // never counted
        Directory.CreateSymbolicLink(layout.ModelDir("b"), layout.ModelDir("a")); // never followed
        File.WriteAllBytes(Path.Combine(layout.ModelsDir, "stray.txt"), new byte[3]);
        Directory.CreateDirectory(Path.Combine(layout.StagingRoot, "a", "v3.resume"));
        File.WriteAllBytes(Path.Combine(layout.StagingRoot, "a", "v3.resume", "part"), new byte[70]);
        Directory.CreateDirectory(layout.TrashDir);
        File.WriteAllBytes(Path.Combine(layout.TrashDir, "old"), new byte[80]);

        var look = StoreWalk.Take(layout, countBytes: true, probePins: false);

        Assert.Equal(DiskUsage.StoreBytes(layout), look.Bytes);
        var markers = new FileInfo(Path.Combine(v1, StoreLayout.MarkerFileName)).Length + new FileInfo(Path.Combine(v2, StoreLayout.MarkerFileName)).Length;
        Assert.Equal(100 + 200 + 50 + 7 + 3 + 70 + 80 + markers, look.Bytes);
        Assert.Equal(look.Bytes, StoreWalk.Managed(layout, countBytes: true, probePins: false).Bytes);
    }

    [Fact]
    public void Take_PinnedVersion_ListedAsTheScanListsAndOnlyItPinned()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        Publish(layout, "b", "v1", Day1, 1);
        Publish(layout, "a", "v2", Day1, 1);
        Publish(layout, "a", "v10", Day1, 1);
        Directory.CreateSymbolicLink(layout.ModelDir("c"), layout.ModelDir("a"));
        Directory.CreateSymbolicLink(layout.VersionDir("b", "v9"), layout.VersionDir("b", "v1"));

        using var pin = VersionPin.TryTake(layout.VersionDir("a", "v2")) ?? throw new InvalidOperationException("not pinned");
        var probed = StoreWalk.Take(layout, countBytes: true, probePins: true).Versions;
        var listed = StoreWalk.Take(layout, countBytes: false, probePins: false).Versions;

        var scan = StoreScan.Read(layout).Models.SelectMany(m => m.Versions.Select(v => (m.Name, v.Version))).ToList();
        Assert.Equal(scan, probed.Select(v => (v.Model, v.Version)));
        Assert.Equal(scan, listed.Select(v => (v.Model, v.Version)));
        Assert.Equal([false, true, false], probed.Select(v => v.Pinned!.Value)); // a/v10, a/v2, b/v1
        Assert.All(listed, v => Assert.Null(v.Pinned));
        Assert.Equal(probed, StoreWalk.Managed(layout, countBytes: false, probePins: true).Versions);
    }

    [Fact]
    public void From_StatusVerb_ReadsOnlyTheMarkersOfVersionsItPrintsALastUseFor()
    {
        using var dir = new TempDir();
        var layout = new StoreLayout(dir.Path);
        Publish(layout, "a", "v1", Day1, 1);
        Publish(layout, "a", "v2", Day1.AddDays(1), 1); // current; a/v1 previous
        Publish(layout, "b", "v1", Day1, 1);
        Publish(layout, "c", "v1", Day1, 1);
        Publish(layout, "c", "v2", Day1.AddDays(1), 1);
        var now = Day1.AddDays(5);
        using var pin = VersionPin.TryTake(layout.VersionDir("c", "v1")) ?? throw new InvalidOperationException("not pinned");
        var look = StoreWalk.Take(layout, countBytes: true, probePins: true);
        var markers = new MarkerCache();

        var verb = VersionsOnDisk.From(layout, look, _ => null, now, markers, everyPublishedAt: false);

        Assert.Equal(1, markers.Reads); // a/v1 only: the current ones and the pinned c/v1 print no last use
        var full = VersionsOnDisk.Look(layout, _ => null, now);
        Assert.Equal(full.Select(v => (v.Model, v.Version, v.Current, v.Pinned)), verb.Select(v => (v.Model, v.Version, v.Current, v.Pinned)));
        Assert.Equal(full.Where(Printed).Select(v => v.LastUsed), verb.Where(Printed).Select(v => v.LastUsed));
        Assert.Equal(Day1, verb.Single(v => v is { Model: "a", Version: "v1" }).LastUsed);
        Assert.Equal(now, verb.Single(v => v is { Model: "c", Version: "v1" }).LastUsed);
    }

    /// <summary>What <c>status</c> prints a line for, with its last use unless pinned (StatusCommand.Versions).</summary>
    private static bool Printed(VersionView v) => v.Pinned || !v.Current;

    private static string Publish(StoreLayout layout, string name, string version, DateTimeOffset at, int bytes)
    {
        var dir = layout.VersionDir(name, version);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), new byte[bytes]);
        MarkerFile.Write(dir, new ModelMarker { Name = name, Version = version, PublishedAt = at });
        CurrentLink.Switch(layout, name, version);
        return dir;
    }
}

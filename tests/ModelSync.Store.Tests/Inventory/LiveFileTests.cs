using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Tests.Inventory;

/// <summary>The live file lays the writer's heartbeat and its downloads' progress over the inventory, and only its own.</summary>
public sealed class LiveFileTests : IDisposable
{
    private static readonly DateTimeOffset Started = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("livefile-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static StoreInventory Inventory(DateTimeOffset? stopped = null) => new()
    {
        Generation = 7,
        WrittenAt = Started.AddMinutes(1),
        Writer = new WriterInfo { Pid = 42, Host = "node-a", Mode = "run", StartedAt = Started, HeartbeatAt = Started.AddMinutes(1), StoppedAt = stopped },
        Models =
        [
            new ModelEntry { Name = "big", Version = "v2", State = ModelState.Downloading, Progress = new ModelProgress(100, 1000) },
            new ModelEntry { Name = "done", Version = "v1", State = ModelState.Ready },
        ],
    };

    private static LiveState Live(int pid = 42, string version = "v2", long done = 600) => new()
    {
        Pid = pid,
        StartedAt = Started,
        HeartbeatAt = Started.AddMinutes(3),
        Models = [new LiveProgress("big", version, new ModelProgress(done, 1000) { BytesPerSecond = 50, CurrentFile = "w.bin" }), new LiveProgress("done", "v1", new ModelProgress(1, 2))],
    };

    [Fact]
    public void Overlay_SameWriter_NewerHeartbeatAndProgressOfTheDownloadOnly()
    {
        var read = LiveFile.Overlay(Inventory(), Live());

        Assert.Equal(Started.AddMinutes(3), read.Writer!.HeartbeatAt);
        Assert.Equal((600L, 50.0, "w.bin"), (read.Find("big")!.Progress!.BytesDone, read.Find("big")!.Progress!.BytesPerSecond!.Value, read.Find("big")!.Progress!.CurrentFile));
        Assert.Null(read.Find("done")!.Progress);
    }

    [Theory]
    [InlineData(43, "v2", 600)] // another writer's file (a daemon before a restart)
    [InlineData(42, "v1", 600)] // progress of another version
    [InlineData(42, "v2", 50)] // behind what the inventory wrote since
    public void Overlay_NotThisDownload_ProgressAsTheInventorySays(int pid, string version, long done)
    {
        var read = LiveFile.Overlay(Inventory(), Live(pid, version, done));

        Assert.Equal(100, read.Find("big")!.Progress!.BytesDone);
    }

    [Fact]
    public void Overlay_WriterStoppedCleanly_InventoryAsWritten()
    {
        var inventory = Inventory(stopped: Started.AddMinutes(2));

        Assert.Same(inventory, LiveFile.Overlay(inventory, Live()));
    }

    [Fact]
    public void Read_StoreWithALiveFile_InventoryReadCarriesIt_ACorruptOneIsIgnored()
    {
        var layout = new StoreLayout(_root);
        Directory.CreateDirectory(layout.StateDir);
        InventoryFile.Write(layout, Inventory());
        LiveFile.Write(layout, Live());

        Assert.Equal(600, InventoryFile.Read(layout).Inventory!.Find("big")!.Progress!.BytesDone);
        Assert.Equal(600, InventoryFile.Read(layout, quick: true).Inventory!.Find("big")!.Progress!.BytesDone);

        File.WriteAllText(layout.LivePath, "{ not json");
        Assert.Equal(100, InventoryFile.Read(layout).Inventory!.Find("big")!.Progress!.BytesDone);
    }
    [Fact]
    public void Read_LiveFileOfThisWriterWithOddEntries_IgnoresThem_NeverThrows()
    {
        var layout = new StoreLayout(_root);
        Directory.CreateDirectory(layout.StateDir);
        InventoryFile.Write(layout, Inventory());
        File.WriteAllText(layout.LivePath, $$"""
            { "pid": 42, "startedAt": "{{Started:O}}", "heartbeatAt": "{{Started.AddMinutes(3):O}}",
              "models": [ { "version": "v2", "progress": { "bytesDone": 900, "bytesTotal": 1000 } },
                          { "name": "big", "version": "v2" },
                          { "name": "big", "version": "v2", "progress": { "bytesDone": 700, "bytesTotal": 1000 } },
                          { "name": "big", "version": "v2", "progress": { "bytesDone": 800, "bytesTotal": 1000 } } ] }
            """);

        var read = InventoryFile.Read(layout).Inventory!;

        Assert.Equal(700, read.Find("big")!.Progress!.BytesDone);
        Assert.Equal(Started.AddMinutes(3), read.Writer!.HeartbeatAt);
    }
}

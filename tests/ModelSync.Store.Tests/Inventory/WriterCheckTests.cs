using System.Text.Json;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Tests.Inventory;

public sealed class WriterCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static StoreInventory Written(DateTimeOffset heartbeat, DateTimeOffset? stopped = null) => new()
    {
        Generation = 3,
        WrittenAt = heartbeat,
        Writer = new WriterInfo { Pid = 42, Host = "pod-a", Mode = "run", StartedAt = heartbeat.AddMinutes(-5), HeartbeatAt = heartbeat, StoppedAt = stopped },
    };

    [Fact]
    public void Check_LockHeldAndRecentHeartbeat_Active()
    {
        var status = WriterCheck.Check(Written(Now.AddSeconds(-10)), lockHeld: true, Now);

        Assert.Equal((WriterLiveness.Active, false), (status.Liveness, status.Frozen));
    }

    [Fact]
    public void Check_LockFreeWithoutStoppedAt_GoneNamingTheWriterAndItsLastWrite()
    {
        var status = WriterCheck.Check(Written(Now.AddSeconds(-10)), lockHeld: false, Now);

        Assert.Equal(WriterLiveness.Gone, status.Liveness);
        Assert.True(status.Frozen);
        Assert.Equal("run (pid 42 on pod-a) is gone (store lock free), last write 2026-12-01T11:59:50Z", status.Text);
    }

    [Fact]
    public void Check_LockFreeAfterCleanStop_Stopped()
    {
        var status = WriterCheck.Check(Written(Now.AddMinutes(-1), stopped: Now.AddMinutes(-1)), lockHeld: false, Now);

        Assert.Equal(WriterLiveness.Stopped, status.Liveness);
        Assert.Contains("stopped at 2026-12-01T11:59:00Z", status.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LockHeldButNoWriteForLongerThanTheThreshold_Silent()
    {
        var status = WriterCheck.Check(Written(Now - WriterCheck.SilentAfter - TimeSpan.FromSeconds(1)), lockHeld: true, Now);

        Assert.Equal(WriterLiveness.Silent, status.Liveness);
        Assert.Contains("holds the lock", status.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OlderInventoryWithoutWriterAndNoLockFile_ActiveUnknown()
    {
        var status = WriterCheck.Check(new StoreInventory { Generation = 1, WrittenAt = Now }, lockHeld: null, Now);

        Assert.Equal(WriterLiveness.Active, status.Liveness);
    }

    [Fact]
    public void IsHeld_WhileAStoreLockIsTaken_TrueAndFalseOnceReleased()
    {
        var root = Directory.CreateTempSubdirectory("modelsync-writer-").FullName;
        try
        {
            var layout = new StoreLayout(root);
            Assert.Null(StoreLock.IsHeld(layout));
            using (StoreLock.TryAcquire(layout))
            {
                Assert.True(StoreLock.IsHeld(layout));
            }

            Assert.False(StoreLock.IsHeld(layout));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Parse_Revision1InventoryWithoutTheNewFields_Reads()
    {
        var json = """{"schemaVersion":1,"generation":2,"writtenAt":"2026-12-01T12:00:00Z","node":"n","models":[{"name":"m","version":"v","state":"Downloading","path":null,"bytes":8,"readyAt":null,"verifiedAt":null,"files":[],"progress":{"bytesDone":4,"bytesTotal":8},"error":null,"previous":null}]}"""u8;

        var inventory = InventoryFile.Parse(json, "inventory.json").Inventory!;

        Assert.Null(inventory.Writer);
        Assert.Equal((4L, 8L, (double?)null, (string?)null), (inventory.Models[0].Progress!.BytesDone, inventory.Models[0].Progress!.BytesTotal, inventory.Models[0].Progress!.BytesPerSecond, inventory.Models[0].Progress!.CurrentFile));
        Assert.DoesNotContain("bytesPerSecond", JsonSerializer.Serialize(inventory, StoreJsonContext.Default.StoreInventory), StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.IO;

/// <summary>The pin protocol (docs/store-format.md, "Pins") on real flock(2): locks belong to open file
/// descriptions, so two opens in one process conflict as two processes would.</summary>
public sealed class VersionPinTests : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    private string Published(string version = "v1")
    {
        _store.Publish("m", version, ("w.bin", StoreBuilder.Bytes(100)));
        return _store.Layout.VersionDir("m", version);
    }

    [Fact]
    public void Pin_SharedOnOneFd_ExclusiveOnAnotherOpenInTheSameProcessIsRefused_UntilReleased()
    {
        var dir = Published();
        var pin = VersionPin.TryTake(dir);
        Assert.NotNull(pin);
        Assert.Equal(Path.GetFullPath(dir), pin.Path);

        Assert.Equal(RemovalLockState.Pinned, VersionRemovalLock.TryTake(dir, out var refused));
        Assert.Null(refused);
        Assert.True(VersionRemovalLock.IsPinned(dir));

        using (var second = VersionPin.TryTake(dir))
        {
            Assert.NotNull(second); // shared: any number of holders
        }

        Assert.True(VersionRemovalLock.IsPinned(dir), "the first pin still holds");
        pin.Dispose();
        Assert.False(VersionRemovalLock.IsPinned(dir));
        Assert.Equal(RemovalLockState.Locked, VersionRemovalLock.TryTake(dir, out var held));
        held!.Dispose();
    }

    [Fact]
    public async Task Pin_WhileTheDaemonHoldsExclusive_WaitsThenSeesTheDirectoryWasRenamedAway_AndPinsNothing()
    {
        var dir = Published();
        Assert.Equal(RemovalLockState.Locked, VersionRemovalLock.TryTake(dir, out var held));
        var pinning = Task.Run(() => VersionPin.TryTake(dir));
        await Task.Delay(200);
        Assert.False(pinning.IsCompleted, "a pin waits while the exclusive lock is held");

        // GC's step: rename into trash under the exclusive lock, then drop it.
        Directory.CreateDirectory(_store.Layout.TrashDir);
        Directory.Move(dir, Path.Combine(_store.Layout.TrashDir, "gc-m-v1"));
        held!.Dispose();

        Assert.Null(await pinning.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Pin_SamePathNowAnotherInode_PinsTheNewOne()
    {
        var dir = Published();
        Assert.Equal(RemovalLockState.Locked, VersionRemovalLock.TryTake(dir, out var held));
        var pinning = Task.Run(() => VersionPin.TryTake(dir));
        await Task.Delay(100);
        Directory.Move(dir, dir + ".old");
        Published(); // a new directory under the same name
        held!.Dispose();

        using var pin = await pinning.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(pin);
        Assert.True(VersionRemovalLock.IsPinned(dir));
        Assert.False(VersionRemovalLock.IsPinned(dir + ".old"), "the inode first opened was let go");
    }

    [Fact]
    public void Pin_NoMarkerOrMissing_PinsNothing()
    {
        var dir = Published();
        File.Delete(Path.Combine(dir, global::ModelSync.Store.Layout.StoreLayout.MarkerFileName));
        Assert.Null(VersionPin.TryTake(dir));
        Assert.False(VersionRemovalLock.IsPinned(dir));
        Assert.Null(VersionPin.TryTake(_store.Layout.VersionDir("m", "nope")));
        Assert.Equal(RemovalLockState.Gone, VersionRemovalLock.TryTake(_store.Layout.VersionDir("m", "nope"), out _));
    }

    [Fact]
    public void Pin_HeldByAnotherProcess_RefusesExclusive_UntilThatProcessIsKilled()
    {
        var dir = Published();
        // util-linux flock takes flock(LOCK_SH) on the directory, as a holder in another pod would.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-s", dir, "sleep", "60"]))!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!VersionRemovalLock.IsPinned(dir) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.True(VersionRemovalLock.IsPinned(dir));
        holder.Kill(entireProcessTree: true);
        holder.WaitForExit();
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (VersionRemovalLock.IsPinned(dir) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.False(VersionRemovalLock.IsPinned(dir), "the kernel drops the lock when its holder dies");
    }
}

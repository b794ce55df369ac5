using System.Diagnostics;
using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.IO;

/// <summary>Uses util-linux <c>flock</c> as the second process: it speaks the same flock(2) the daemon relies on.</summary>
public sealed class StoreLockTests
{
    [Fact]
    public void TryAcquire_Held_SecondAcquireInProcessReturnsNull()
    {
        using var store = new StoreBuilder();
        using var first = StoreLock.TryAcquire(store.Layout);

        Assert.NotNull(first);
        Assert.Null(StoreLock.TryAcquire(store.Layout));
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), StoreLock.ReadHolder(store.Layout));
    }

    [Fact]
    public void TryAcquire_Held_OtherProcessCannotLockUntilDisposed()
    {
        using var store = new StoreBuilder();
        var held = StoreLock.TryAcquire(store.Layout);
        Assert.NotNull(held);

        Assert.Equal(1, Tool.Run("flock", "--nonblock", "--conflict-exit-code", "1", store.Layout.LockPath, "true").ExitCode);
        held.Dispose();
        Assert.Equal(0, Tool.Run("flock", "--nonblock", "--conflict-exit-code", "1", store.Layout.LockPath, "true").ExitCode);
    }

    [Fact]
    public void TryAcquire_HeldByOtherProcess_ReturnsNullThenSucceedsAfterItExits()
    {
        using var store = new StoreBuilder();
        Directory.CreateDirectory(store.Layout.StateDir);
        var info = new ProcessStartInfo("flock") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { store.Layout.LockPath, "sh", "-c", "echo locked; read line" })
        {
            info.ArgumentList.Add(arg);
        }

        using var holder = Process.Start(info)!;
        Assert.Equal("locked", holder.StandardOutput.ReadLine());

        Assert.Null(StoreLock.TryAcquire(store.Layout));
        holder.StandardInput.Close();
        holder.WaitForExit();
        using var after = StoreLock.TryAcquire(store.Layout);
        Assert.NotNull(after);
    }
}

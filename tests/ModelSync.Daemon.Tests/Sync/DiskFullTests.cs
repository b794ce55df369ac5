using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sync;

namespace ModelSync.Daemon.Tests.Sync;

/// <summary>Which failures count as a full disk: the exceptions .NET really throws, not hand-made ones.</summary>
public sealed class DiskFullTests
{
    [Fact]
    public void Caused_PreallocationBeyondTheFreeSpace_IsDiskFull()
    {
        // tmpfs refuses a preallocation larger than memory with ENOSPC, which .NET reports with its own text.
        var path = Path.Combine("/dev/shm", $"modelsync-prealloc-{Guid.NewGuid():N}");
        try
        {
            var ex = Assert.ThrowsAny<IOException>(() =>
                File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, preallocationSize: 1L << 50).Dispose());

            Assert.True(DiskFull.Caused(ex), $"not taken for a full disk: {ex.GetType().Name} 0x{ex.HResult:x}: {ex.Message}");
            Assert.True(DiskFull.Caused(new DownloadException(FailureReason.StorageError, "write failed", transient: false, inner: ex)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Caused_OtherIoError_IsNotDiskFull() =>
        Assert.False(DiskFull.Caused(Assert.ThrowsAny<IOException>(() =>
            File.OpenHandle($"/nonexistent-{Guid.NewGuid():N}/f", FileMode.CreateNew, FileAccess.Write).Dispose())));
}

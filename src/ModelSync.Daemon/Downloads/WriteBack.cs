using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// Starts writeback of bytes already written (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>), so the
/// disk works while the network does and the fsync before publish only waits for the tail instead of
/// flushing gigabytes at the end. Best effort: the fsync still guarantees durability.
/// </summary>
internal static partial class WriteBack
{
    private const uint SyncFileRangeWrite = 2;

    public static void Start(SafeFileHandle handle, long offset, long count)
    {
        if (!OperatingSystem.IsLinux() || count <= 0)
        {
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, count, SyncFileRangeWrite);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);
}

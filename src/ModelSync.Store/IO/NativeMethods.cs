using System.Runtime.InteropServices;

namespace ModelSync.Store.IO;

/// <summary>The few POSIX calls the BCL does not expose: fsync of a directory.</summary>
internal static partial class NativeMethods
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // Linux x86_64/arm64

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameNative(string from, string to);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>
    /// open(2) for reading, without the flock(LOCK_SH) a <see cref="FileStream"/> takes on Unix: that lock
    /// fails while another process holds LOCK_EX, which is exactly when the store lock's pid is wanted.
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenReadWithoutLock(string path)
    {
        var fd = Open(path, ORdOnly);
        return fd >= 0
            ? new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true)
            : throw new IOException($"Cannot open '{path}' (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>
    /// rename(2) itself: unlike <see cref="File.Move(string, string, bool)"/> it never looks through a
    /// symlink, so it can swap a link to a directory in one atomic step.
    /// </summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"rename '{from}' -> '{to}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// Makes a rename or create inside <paramref name="directory"/> durable. Best effort off Linux:
    /// the rename itself is still atomic, only durability across power loss is weaker.
    /// </summary>
    public static void FsyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ORdOnly | ODirectory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (FSync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}

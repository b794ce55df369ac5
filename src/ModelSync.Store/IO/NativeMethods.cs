using System.Runtime.InteropServices;

namespace ModelSync.Store.IO;

/// <summary>
/// The few POSIX calls the BCL does not expose: fsync of a directory, rename(2) of a symlink, statx(2)
/// for inode and link count, and a read that takes no flock (every FileStream does, which a lock holder's exclusive flock refuses).
/// </summary>
internal static partial class NativeMethods
{
    private const int ORdOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatX(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkNative(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FLock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nint count);

    /// <summary>
    /// rename(2) as is. File.Move refuses a symlink whose target is a directory ("file not found"), so
    /// a <c>current</c> link could never be swapped with it once the version directory existed.
    /// </summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"rename '{from}' -> '{to}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// Swaps two existing paths in one step (renameat2 RENAME_EXCHANGE, Linux 3.15+, glibc 2.28+): a
    /// directory replaced this way is never missing, not even for an instant.
    /// </summary>
    public static void Exchange(string a, string b)
    {
        const int AtFdCwd = -100;
        const uint RenameExchange = 2;
        if (RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) != 0)
        {
            throw new IOException($"exchange '{a}' <-> '{b}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// statx(2) without following a final symlink. Its struct has one layout on every architecture (unlike
    /// stat's), so the same offsets hold on x86_64 and arm64. Null when the path cannot be stat'ed.
    /// </summary>
    public static unsafe (ulong Device, ulong Inode, uint Links, long Size, bool Regular)? Identity(string path)
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint Mask = 0x1 | 0x4 | 0x100 | 0x200; // STATX_TYPE | STATX_NLINK | STATX_INO | STATX_SIZE
        var buffer = stackalloc byte[256];
        try
        {
            // The kernel may fill fewer fields than asked for: an unset bit means that field is not known.
            if (StatX(AtFdCwd, path, AtSymlinkNoFollow, Mask, buffer) != 0 || (*(uint*)buffer & Mask) != Mask)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // glibc older than 2.28
        }

        var links = *(uint*)(buffer + 16);
        var inode = *(ulong*)(buffer + 32);
        var size = *(long*)(buffer + 40);
        var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        var regular = (*(ushort*)(buffer + 28) & 0xF000) == 0x8000; // S_IFMT, S_IFREG
        return (device, inode, links, size, regular);
    }

    /// <summary>link(2): a second name for an inode; the BCL has symlinks only. The errno when it fails.</summary>
    public static int? HardLink(string existing, string newPath) =>
        LinkNative(existing, newPath) == 0 ? null : Marshal.GetLastPInvokeError();

    /// <summary>
    /// Whether another process holds an exclusive flock on <paramref name="path"/>: a shared, non-blocking
    /// flock is tried and dropped at once. Null when the file cannot be opened (no writer ever ran).
    /// </summary>
    public static bool? IsFlockHeld(string path)
    {
        const int LockSh = 1, LockNb = 4, LockUn = 8;
        var fd = Open(path, ORdOnly);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            if (FLock(fd, LockSh | LockNb) == 0)
            {
                _ = FLock(fd, LockUn);
                return false;
            }

            return true;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Reads up to <paramref name="max"/> bytes without taking a flock; null when the file cannot be opened.</summary>
    public static unsafe byte[]? ReadPrefixWithoutLock(string path, int max)
    {
        var fd = Open(path, ORdOnly);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            var buffer = new byte[max];
            nint read;
            fixed (byte* p = buffer)
            {
                read = ReadNative(fd, p, max);
            }

            return read < 0 ? null : buffer[..(int)read];
        }
        finally
        {
            _ = Close(fd);
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

        var fd = Open(directory, ORdOnly | OpenFlags.Directory);
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

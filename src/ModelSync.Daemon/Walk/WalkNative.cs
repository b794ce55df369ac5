using System.Runtime.InteropServices;

using ModelSync.Store.IO;

namespace ModelSync.Daemon.Walk;

/// <summary>
/// The calls of a walk relative to an open directory: every name is looked up in its own directory (one path
/// component for the kernel to resolve, not the store root's eight), straight from the directory's entries, with no
/// managed string per file. The BCL's enumeration offers neither. Linux only; the caller falls back when a call is missing.
/// </summary>
internal static unsafe partial class WalkNative
{
    public const byte TypeUnknown = 0;
    public const byte TypeDirectory = 4;
    public const byte TypeSymlink = 10;

    public const int LockEx = 2;
    public const int LockNb = 4;
    public const int LockUn = 8;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private static readonly int OpenDirectoryFlags = OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.CloseOnExec;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAt(int dirFd, byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatX(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FLock(int fd, int operation);

    /// <summary>Opens the directory <paramref name="name"/> (NUL-terminated) below <paramref name="parentFd"/>, or the
    /// absolute path when the parent is -1, never through a symlink; -1 when it is not a directory one may open.</summary>
    public static int OpenDirectory(int parentFd, byte* name) => OpenAt(parentFd < 0 ? AtFdCwd : parentFd, name, OpenDirectoryFlags);

    /// <summary>
    /// Fills <paramref name="buffer"/> with the directory's next entries (getdents64(2), glibc 2.30+: no DIR stream,
    /// whose fdopendir costs an fstat and two fcntl per directory); the byte count, 0 at the end, negative on an error.
    /// Each entry (struct linux_dirent64): d_ino 8, d_off 8, d_reclen 2 (<see cref="RecordLength"/>), d_type 1
    /// (<see cref="Type"/>), then the NUL-terminated name (<see cref="Name"/>); the same on every architecture.
    /// </summary>
    public static nint Entries(int fd, byte* buffer, int length) => GetDents64(fd, buffer, (nuint)length);

    public static int RecordLength(byte* entry) => *(ushort*)(entry + 16);

    public static byte Type(byte* entry) => entry[18];

    public static byte* Name(byte* entry) => entry + 19;

    public static void Close(int fd) => _ = CloseNative(fd);

    /// <summary>statx of <paramref name="name"/> in <paramref name="dirFd"/>, the link itself when it is one
    /// (the layout as in Store/IO/NativeMethods: one on every architecture). Null when it is gone or cannot be stat'ed;
    /// <see cref="EntryPointNotFoundException"/> (old glibc) reaches the caller.</summary>
    public static (ulong Device, ulong Inode, uint Links, long Size, ushort Mode)? Stat(int dirFd, byte* name)
    {
        const uint Mask = 0x1 | 0x2 | 0x4 | 0x100 | 0x200; // STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_SIZE
        var buffer = stackalloc byte[256];
        if (StatX(dirFd, name, AtSymlinkNoFollow, Mask, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 38 ? throw new EntryPointNotFoundException("statx: ENOSYS") : null; // a seccomp profile without statx
        }

        var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return (device, *(ulong*)(buffer + 32), *(uint*)(buffer + 16), *(long*)(buffer + 40), *(ushort*)(buffer + 28));
    }

    /// <summary>As <c>VersionRemovalLock.IsPinned</c> on an fd of the version directory: the exclusive lock
    /// tried without blocking and dropped at once; refused means a holder pins it.</summary>
    public static bool IsPinned(int fd)
    {
        const int EIntr = 4, EWouldBlock = 11;
        while (FLock(fd, LockEx | LockNb) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EWouldBlock)
            {
                return true;
            }

            if (errno != EIntr)
            {
                throw new IOException($"flock failed (errno {errno}).");
            }
        }

        _ = FLock(fd, LockUn);
        return false;
    }
}

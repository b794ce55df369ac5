using System.Runtime.InteropServices;
using System.Text;

namespace ModelSync.Store.IO;

/// <summary>
/// openat(2), statx(2) and read(2) relative to a directory fd, for <see cref="DirectoryHandle"/>. Names are
/// encoded into a stack buffer, so a look costs no allocation. Linux only; every failure is an errno to the caller.
/// </summary>
internal static unsafe partial class BeneathNative
{
    private const int EIntr = 4;
    private const int EInval = 22;
    private const int EFbig = 27;
    private const int MaxRead = 16 << 20;
    private const int StackName = 512;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeAndSize = 0x1 | 0x200; // STATX_TYPE | STATX_SIZE

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAt(int dirFd, byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatX(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);

    /// <summary>An O_PATH fd of the directory <paramref name="name"/> names under <paramref name="dirFd"/>
    /// (<c>AT_FDCWD</c>, -100, for a path); with <paramref name="noFollow"/> a symlink there is refused
    /// (ENOTDIR or ELOOP). The fd, or -errno.</summary>
    public static int OpenDirectory(int dirFd, ReadOnlySpan<char> name, bool noFollow)
    {
        Span<byte> stack = stackalloc byte[StackName];
        fixed (byte* p = Utf8Z(name, stack))
        {
            return p is null ? -EInval : Result(OpenAt(dirFd, p, OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloseOnExec | (noFollow ? OpenFlags.NoFollow : 0)));
        }
    }

    /// <summary>open(O_RDONLY) of <paramref name="name"/> under <paramref name="dirFd"/>: an fd, or -errno.</summary>
    public static int OpenFile(int dirFd, ReadOnlySpan<char> name)
    {
        Span<byte> stack = stackalloc byte[StackName];
        fixed (byte* p = Utf8Z(name, stack))
        {
            return p is null ? -EInval : Result(OpenAt(dirFd, p, OpenFlags.CloseOnExec));
        }
    }

    /// <summary>statx without following a final symlink: whether it is a regular file, and its size; null
    /// when it cannot be stat'ed or the kernel did not say both.</summary>
    public static (bool Regular, long Size)? Stat(int dirFd, ReadOnlySpan<char> name)
    {
        var buffer = stackalloc byte[256];
        Span<byte> stack = stackalloc byte[StackName];
        fixed (byte* p = Utf8Z(name, stack))
        {
            if (p is null || StatX(dirFd, p, AtSymlinkNoFollow, StatxTypeAndSize, buffer) != 0
                || (*(uint*)buffer & StatxTypeAndSize) != StatxTypeAndSize)
            {
                return null;
            }
        }

        return ((*(ushort*)(buffer + 28) & 0xF000) == 0x8000, *(long*)(buffer + 40)); // S_IFMT == S_IFREG; stx_size
    }

    /// <summary>Reads <paramref name="fd"/> to its end into <paramref name="buffer"/>, growing it as needed: the
    /// byte count, or -errno.</summary>
    public static int ReadToEnd(int fd, ref byte[] buffer)
    {
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length >= MaxRead)
                {
                    return -EFbig; // no marker is this large: the look by path words it
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            nint read;
            fixed (byte* p = buffer)
            {
                read = ReadNative(fd, p + total, buffer.Length - total);
            }

            if (read == 0)
            {
                return total;
            }

            if (read < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EIntr)
                {
                    return -errno;
                }

                continue;
            }

            total += (int)read;
        }
    }

    public static void Close(int fd) => _ = CloseNative(fd);

    private static int Result(int result) => result >= 0 ? result : -Marshal.GetLastPInvokeError();

    /// <summary><paramref name="name"/> as NUL-terminated UTF-8, in <paramref name="stack"/> when it fits; empty
    /// (a null pointer once fixed) when it holds a NUL itself, which would cut the name short.</summary>
    private static Span<byte> Utf8Z(ReadOnlySpan<char> name, Span<byte> stack)
    {
        if (name.Contains('\0'))
        {
            return [];
        }

        var length = Encoding.UTF8.GetMaxByteCount(name.Length) + 1;
        var bytes = length <= stack.Length ? stack : new byte[length];
        bytes[Encoding.UTF8.GetBytes(name, bytes)] = 0;
        return bytes;
    }
}

using System.Runtime.InteropServices;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// How many names a file has (<c>statx</c>, glibc ≥ 2.28). A staged file with more than one shares its
/// inode with another store path (the engine hardlinks published files into staging for reuse), so
/// writing into it would change that other file too.
/// </summary>
internal static partial class LinkCount
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxNlink = 0x4;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;
    private const int MaskOffset = 0;
    private const int NlinkOffset = 16;

    /// <summary>The link count of <paramref name="path"/> itself (a symlink is not followed), or null when
    /// it cannot be told.</summary>
    public static uint? Of(string path)
    {
        Span<byte> statx = stackalloc byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxNlink | StatxIno, statx) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        // The kernel may fill fewer fields than asked for; an unset bit means the count is not known.
        var mask = MemoryMarshal.Read<uint>(statx[MaskOffset..]);
        return (mask & StatxNlink) == 0 ? null : MemoryMarshal.Read<uint>(statx[NlinkOffset..]);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> statx);
}

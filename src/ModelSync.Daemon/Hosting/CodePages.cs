using System.Globalization;
using System.Runtime.InteropServices;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Hands the daemon's idle code pages back to the node. Its binary is 24 MB of code and constant data, and
/// NativeAOT's start with the kernel's fault-around (a fault maps up to 16 cached neighbours) leaves about
/// 20 MB of it resident for good: half the idle RSS, for code a pass or a page view runs once. <see cref="PageOut()"/>
/// is <c>MADV_PAGEOUT</c> on every read-only file mapping: the kernel unmaps those pages and frees them from the
/// page cache; what the next pass runs faults back in, read from disk. The kernel does so only for files this
/// process owns or could write (the image gives the binary to the daemon's user: root's libc and libssl stay),
/// and skips pages another process maps too.
/// Advice only: a kernel without it (before 5.4) refuses, and nothing else changes.
/// </summary>
internal static partial class CodePages
{
    private const int MadvPageOut = 21;

    /// <summary>Asks the kernel to reclaim the read-only file pages mapped now; returns the bytes of the mappings advised (pages it may not free count too).</summary>
    public static long PageOut() => OperatingSystem.IsLinux() ? PageOut(ReadOnlyFileMappings(ReadMaps())) : 0;

    /// <summary>The same for <paramref name="mappings"/> only.</summary>
    public static long PageOut(IEnumerable<(ulong Start, ulong Length)> mappings)
    {
        long advised = 0;
        try
        {
            foreach (var (start, length) in mappings)
            {
                if (Madvise((nint)start, (nuint)length, MadvPageOut) == 0)
                {
                    advised += (long)length;
                }
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without madvise: the advice is all this is, so there is none.
        }

        return advised;
    }

    /// <summary>The readable, not writable mappings of files in <c>/proc/self/maps</c> lines: code and constant data, never writable data, the heap or guard gaps.</summary>
    public static IReadOnlyList<(ulong Start, ulong Length)> ReadOnlyFileMappings(IEnumerable<string> maps)
    {
        var found = new List<(ulong, ulong)>();
        foreach (var line in maps)
        {
            // start-end perms offset dev inode path: a file's path is absolute; [heap], [stack], [vdso] and anonymous ones have none.
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || !fields[5].StartsWith('/') || fields[1].Length != 4 || fields[1][0] != 'r' || fields[1][1] != '-')
            {
                continue;
            }

            var range = fields[0].Split('-');
            if (range.Length == 2
                && ulong.TryParse(range[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(range[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end)
                && end > start)
            {
                found.Add((start, end - start));
            }
        }

        return found;
    }

    /// <summary>This process's resident set, from <c>/proc/self/statm</c>; 0 where there is none.</summary>
    public static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return fields.Length > 1 && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var pages) ? pages * Environment.SystemPageSize : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string[] ReadMaps()
    {
        try
        {
            return File.ReadAllLines("/proc/self/maps");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}

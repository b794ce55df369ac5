using System.Runtime.InteropServices;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// The second half of <c>sync.allowedFileRoots</c>: the loader checked the path as written, this checks
/// the file actually opened, with every symlink resolved, so a link planted below an allowed root cannot
/// lead the daemon to /etc. Asked of the open descriptor, so nothing can be swapped in between.
/// </summary>
internal static partial class LocalSource
{
    public static bool IsAllowed(FileStream opened, IReadOnlyList<string> roots, out string realPath)
    {
        // Fails closed: without /proc, or for a file unlinked since it was opened, nothing is allowed.
        var resolved = RealPath($"/proc/self/fd/{opened.SafeFileHandle.DangerousGetHandle()}");
        realPath = resolved ?? $"{opened.Name} (its real path cannot be read)";
        var realRoots = roots.Select(r => RealPath(r) ?? r).ToList();
        return resolved is not null && FileRoots.IsUnder(resolved, realRoots);
    }

    private static string? RealPath(string path)
    {
        var resolved = NativeRealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Marshal.FreeHGlobal(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr NativeRealPath(string path, IntPtr resolved);
}

using System.Runtime.InteropServices;

namespace ModelSync.Daemon.OpsTests.Support;

internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameNative(string from, string to);

    /// <summary>rename(2): replaces a symlink in one step, as kubelet does with a ConfigMap's <c>..data</c>.</summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"rename {from} -> {to} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}

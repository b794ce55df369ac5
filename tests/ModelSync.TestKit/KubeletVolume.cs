using System.Runtime.InteropServices;

namespace ModelSync.TestKit;

/// <summary>
/// A directory laid out as kubelet lays out a ConfigMap or projected volume (its atomic writer): the content in a
/// timestamped directory <c>..2026_...</c>, <c>..data</c> a symlink to it, each key a symlink <c>NAME -> ..data/NAME</c>.
/// <see cref="Write"/> is an update as kubelet makes it: new directory, <c>..data</c> swapped by a rename, key
/// links added and removed, old directory deleted.
/// </summary>
public sealed class KubeletVolume(string path)
{
    public string Path { get; } = path;

    /// <summary>The content of every key: a key left out is removed.</summary>
    public void Write(IReadOnlyDictionary<string, string> files)
    {
        Directory.CreateDirectory(Path);
        var old = Directory.Exists(Combine("..data")) ? new DirectoryInfo(Combine("..data")).ResolveLinkTarget(returnFinalTarget: true)?.FullName : null;
        // kubelet's name: a timestamp and a random suffix (two writers of one directory never share one).
        var stamp = $"..2026_12_07_19_00_00.{Guid.NewGuid().ToString("N")[..10]}";
        Directory.CreateDirectory(Combine(stamp));
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Combine(stamp, name), text);
        }

        File.Delete(Combine("..data_tmp"));
        File.CreateSymbolicLink(Combine("..data_tmp"), stamp);
        // rename(2), as kubelet does: File.Move follows the link to its directory and refuses.
        if (Rename(Combine("..data_tmp"), Combine("..data")) != 0)
        {
            throw new IOException($"rename to ..data failed: errno {Marshal.GetLastPInvokeError()}");
        }

        foreach (var name in files.Keys.Where(n => !File.Exists(Combine(n)) && !IsLink(n)))
        {
            File.CreateSymbolicLink(Combine(name), System.IO.Path.Combine("..data", name));
        }

        foreach (var stale in Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.') && !files.ContainsKey(n)))
        {
            File.Delete(Combine(stale));
        }

        if (old is not null)
        {
            Directory.Delete(old, recursive: true);
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    private bool IsLink(string name) => new FileInfo(Combine(name)).LinkTarget is not null;

    private string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}

namespace ModelSync.Store.IO;

/// <summary>
/// Which inode a path names and how many names it has. Files shared between versions are hard links of
/// one inode: the store counts their bytes once, and a damaged inode is damaged under every name.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, uint Links, long Size, bool IsRegularFile)
{
    /// <summary>The identity of <paramref name="path"/> (a symlink is not followed); null when it does not exist.</summary>
    public static FileIdentity? Of(string path) =>
        NativeMethods.Identity(path) is { } id ? new FileIdentity(id.Device, id.Inode, id.Links, id.Size, id.Regular) : null;

    /// <summary>Gives <paramref name="existing"/> a second name (link(2)); false when the filesystem or the
    /// kernel's link rules refuse it, so the caller copies instead.</summary>
    public static bool TryHardLink(string existing, string newPath) => NativeMethods.HardLink(existing, newPath) is null;

    /// <summary>True when both paths name the same inode.</summary>
    public static bool Same(string a, string b) =>
        Of(a) is { } x && Of(b) is { } y && x.Device == y.Device && x.Inode == y.Inode;
}

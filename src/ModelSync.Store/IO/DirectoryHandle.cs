namespace ModelSync.Store.IO;

/// <summary>
/// An open directory (an O_PATH fd) that relative paths are looked up beneath, one segment at a time and never
/// through a symlink: a version directory is resolved once, and its files are looked at relative to it instead
/// of walking every segment from the root again (and asking each one whether it is a link) for each file.
/// Every answer is "positively so" or null: a caller that gets null looks again the slow way for the reason.
/// </summary>
internal sealed class DirectoryHandle : IDisposable
{
    private const int AtFdCwd = -100;
    private int fd;

    private DirectoryHandle(int fd) => this.fd = fd;

    /// <summary>The directory at <paramref name="path"/> (a symlink to a directory is followed: the store's root
    /// may be one), or null when it cannot be opened or this is not Linux.</summary>
    public static DirectoryHandle? Open(string path)
    {
        if (!OperatingSystem.IsLinux() || !OpenFlags.Known) // elsewhere every look is by path
        {
            return null;
        }

        var opened = -1;
        try
        {
            opened = BeneathNative.OpenDirectory(AtFdCwd, path, noFollow: false);
            // statx once here: a libc without it (glibc before 2.28) throws, and then every look is by path.
            _ = opened >= 0 ? BeneathNative.Stat(opened, ".") : null;
            return opened >= 0 ? new DirectoryHandle(opened) : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            if (opened >= 0)
            {
                BeneathNative.Close(opened);
            }

            return null;
        }
    }

    /// <summary>The directory <paramref name="relative"/> names beneath this one when it is safe
    /// (<see cref="SafePath.CheckRelative"/>) and every segment of it is a real directory, not a symlink; else null.</summary>
    public DirectoryHandle? OpenBeneath(string relative) =>
        SafePath.CheckRelative(relative) is null && Walk(relative) is var opened and >= 0 ? new DirectoryHandle(opened) : null;

    /// <summary>The size of the regular file <paramref name="relative"/> names beneath this directory when it is
    /// safe and neither it nor any directory on the way is a symlink; else null (missing, a link, a directory,
    /// a device, unreadable: the slow look says which).</summary>
    public long? RegularFileSize(string relative)
    {
        if (SafePath.CheckRelative(relative) is not null)
        {
            return null;
        }

        var slash = relative.LastIndexOf('/');
        var parent = slash < 0 ? fd : Walk(relative.AsSpan(0, slash));
        if (parent < 0)
        {
            return null;
        }

        try
        {
            return BeneathNative.Stat(parent, relative.AsSpan(slash + 1)) is (true, var size) ? size : null;
        }
        finally
        {
            if (parent != fd)
            {
                BeneathNative.Close(parent);
            }
        }
    }

    /// <summary>The whole content of the file <paramref name="name"/> in this directory, read into
    /// <paramref name="buffer"/> without a flock: its length, or null when it cannot be opened or read.</summary>
    public int? ReadFile(string name, ref byte[] buffer)
    {
        var file = BeneathNative.OpenFile(fd, name);
        if (file < 0)
        {
            return null;
        }

        try
        {
            return BeneathNative.ReadToEnd(file, ref buffer) is var read and >= 0 ? read : null;
        }
        finally
        {
            BeneathNative.Close(file);
        }
    }

    public void Dispose()
    {
        if (fd >= 0)
        {
            BeneathNative.Close(fd);
            fd = -1;
        }
    }

    /// <summary>Opens <paramref name="relative"/>'s directories one by one, each refused if it is a symlink:
    /// the last one's fd (for the caller to close), or -errno.</summary>
    private int Walk(ReadOnlySpan<char> relative)
    {
        var current = fd;
        foreach (var range in relative.Split('/'))
        {
            var next = BeneathNative.OpenDirectory(current, relative[range], noFollow: true);
            if (current != fd)
            {
                BeneathNative.Close(current);
            }

            if (next < 0)
            {
                return next;
            }

            current = next;
        }

        return current;
    }
}

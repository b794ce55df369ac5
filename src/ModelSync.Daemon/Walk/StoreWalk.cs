using System.Runtime.InteropServices;
using System.Text;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Walk;

/// <summary>A real directory <c>models/&lt;model&gt;/&lt;version&gt;</c> (neither it nor its model directory a symlink),
/// and whether a pod pins it now (null when the walk was not asked to probe).</summary>
internal sealed record VersionDir(string Model, string Version, bool? Pinned);

/// <summary>What one walk of the store found: <see cref="Bytes"/> as <see cref="DiskUsage.StoreBytes"/> counts them
/// (0 when not asked), and the version directories by model, then version (ordinal).</summary>
internal sealed record StoreLook(long Bytes, IReadOnlyList<VersionDir> Versions);

/// <summary>
/// One walk of the store for <c>status</c> and <c>/status</c> (issue 33): the byte count, the version directories and
/// their pin probes share one enumeration, and every name is looked up relative to its open directory (Linux
/// openat/getdents64/statx, see <see cref="WalkNative"/>). At 1,000 models this replaced a walk for the bytes, a
/// second scan of every version (with staging, trash and links the status never shows) and a reopen per pin probe,
/// each by full path. Counts exactly what <see cref="DiskUsage.StoreBytes"/> counts (tested against it); falls
/// back to it where the calls are missing.
/// </summary>
internal static class StoreWalk
{
    public static StoreLook Take(StoreLayout layout, bool countBytes, bool probePins)
    {
        if (!OpenFlags.Known) // WalkNative's flags would mean something else: the BCL's walk
        {
            return Managed(layout, countBytes, probePins);
        }

        try
        {
            var walker = new StoreWalker(countBytes, probePins);
            walker.Root(layout.ModelsDir, models: true);
            if (countBytes)
            {
                walker.Root(layout.StagingRoot, models: false);
                walker.Root(layout.TrashDir, models: false);
            }

            return new StoreLook(walker.Bytes, walker.SortedVersions());
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return Managed(layout, countBytes, probePins); // glibc older than 2.28, or a seccomp profile without statx
        }
    }

    /// <summary>The same look through the BCL: a path per file, a second scan for the versions.</summary>
    internal static StoreLook Managed(StoreLayout layout, bool countBytes, bool probePins)
    {
        var versions = new List<VersionDir>();
        foreach (var model in RealDirectories.Below(layout.ModelsDir))
        {
            versions.AddRange(RealDirectories.Below(model.FullName).Select(v =>
                new VersionDir(model.Name, v.Name, probePins ? VersionRemovalLock.IsPinned(v.FullName) : null)));
        }

        return new StoreLook(countBytes ? DiskUsage.StoreBytes(layout) : 0, versions);
    }
}

/// <summary>The walk itself: depth first, one open directory per level.</summary>
internal sealed unsafe class StoreWalker(bool countBytes, bool probePins)
{
    // Deeper than any path the kernel would resolve (PATH_MAX 4096: "a/" 2,048 times); what a path cannot name,
    // the BCL's walk cannot count either.
    private const int MaxDepth = 2048;
    private const ushort TypeMask = 0xF000, DirectoryType = 0x4000, SymlinkType = 0xA000;

    private readonly HashSet<(ulong, ulong)> _linked = [];
    private readonly List<VersionDir> _versions = [];
    private readonly List<byte[]> _buffers = [];

    public long Bytes { get; private set; }

    public IReadOnlyList<VersionDir> SortedVersions()
    {
        _versions.Sort((a, b) => string.CompareOrdinal(a.Model, b.Model) is var c && c != 0 ? c : string.CompareOrdinal(a.Version, b.Version));
        return _versions;
    }

    /// <summary>Walks <paramref name="path"/> unless it is missing or a symlink; under <c>models/</c> the second level are versions.</summary>
    public void Root(string path, bool models)
    {
        var name = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name)
        {
            var fd = WalkNative.OpenDirectory(-1, p);
            if (fd >= 0)
            {
                Directory(fd, 0, models, null);
            }
        }
    }

    /// <summary>Reads the directory open as <paramref name="fd"/> (and closes it). <paramref name="model"/>: the model
    /// whose directory this is when it is <c>models/&lt;model&gt;</c>.</summary>
    private void Directory(int fd, int depth, bool models, string? model)
    {
        try
        {
            var buffer = BufferFor(depth); // kept while the entries below are walked: one per level
            fixed (byte* batch = buffer)
            {
                nint length;
                while ((length = WalkNative.Entries(fd, batch, buffer.Length)) > 0)
                {
                    for (nint offset = 0; offset < length; offset += WalkNative.RecordLength(batch + offset))
                    {
                        Entry(fd, batch + offset, depth, models, model);
                    }
                }
            }
        }
        finally
        {
            WalkNative.Close(fd);
        }
    }

    private void Entry(int fd, byte* entry, int depth, bool models, string? model)
    {
        var name = WalkNative.Name(entry);
        var type = WalkNative.Type(entry);
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)) || type == WalkNative.TypeSymlink)
        {
            return; // a symlink is neither followed nor counted, as DiskUsage does
        }

        if (type != WalkNative.TypeDirectory)
        {
            if (WalkNative.Stat(fd, name) is not { } st || (st.Mode & TypeMask) == SymlinkType)
            {
                return; // gone since the listing
            }

            if ((st.Mode & TypeMask) != DirectoryType)
            {
                Count(st.Device, st.Inode, st.Links, st.Size);
                return;
            }
        }

        Below(fd, name, depth, models, model);
    }

    private byte[] BufferFor(int depth)
    {
        while (_buffers.Count <= depth)
        {
            _buffers.Add(new byte[32 * 1024]);
        }

        return _buffers[depth];
    }

    /// <summary>A subdirectory: a model, a version (probed), or content (walked only for the bytes).</summary>
    private void Below(int parent, byte* name, int depth, bool models, string? model)
    {
        var isModel = models && depth == 0;
        var isVersion = models && depth == 1;
        var descend = depth < MaxDepth && (isModel || countBytes);
        if (!descend && !(isVersion && probePins))
        {
            if (isVersion)
            {
                _versions.Add(new VersionDir(model!, Marshal.PtrToStringUTF8((nint)name)!, null));
            }

            return;
        }

        var child = WalkNative.OpenDirectory(parent, name);
        if (child < 0)
        {
            return; // not openable (no access), or replaced by a symlink since the listing: skipped, as DiskUsage does
        }

        if (isVersion)
        {
            bool? pinned = null;
            try
            {
                pinned = probePins ? WalkNative.IsPinned(child) : null;
            }
            catch (IOException)
            {
                WalkNative.Close(child);
                throw;
            }

            _versions.Add(new VersionDir(model!, Marshal.PtrToStringUTF8((nint)name)!, pinned));
        }

        if (descend)
        {
            Directory(child, depth + 1, models, isModel ? Marshal.PtrToStringUTF8((nint)name) : null);
        }
        else
        {
            WalkNative.Close(child);
        }
    }

    private void Count(ulong device, ulong inode, uint links, long size)
    {
        // A name of an inode with one link is its only one: only shared inodes need remembering.
        if (countBytes && (links <= 1 || _linked.Add((device, inode))))
        {
            Bytes += size;
        }
    }
}

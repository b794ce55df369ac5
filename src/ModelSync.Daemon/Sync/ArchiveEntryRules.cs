using System.Formats.Tar;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// What a tar entry of a layer may be. Refused, failing the model <see cref="FailureReason.SourceInvalid"/> and
/// naming the entry: an absolute path, a <c>..</c> segment or a reserved name; a device, fifo or other special
/// file; a second entry for a path already written; a link that points outside the version.
/// </summary>
internal static class ArchiveEntryRules
{
    /// <summary>The entry's path in the version, or null for one not to write (a directory, or one the filters drop).</summary>
    public static string? Accept(TarEntry tar, ArchiveUnpack unpack, Dictionary<string, FileEntry> written)
    {
        var raw = tar.Name;
        if (raw.StartsWith('/'))
        {
            throw Refused(unpack, raw, "has an absolute path");
        }

        var name = raw.StartsWith("./", StringComparison.Ordinal) ? raw[2..] : raw;
        name = name.TrimEnd('/');
        if (name.Length == 0 || name == ".")
        {
            return null;
        }

        if ((SafePath.CheckRelative(name) ?? StoreLayout.ReservedProblem(name)) is { } problem)
        {
            throw Refused(unpack, raw, $"cannot be stored: {problem}");
        }

        switch (tar.EntryType)
        {
            case TarEntryType.Directory:
                return null;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile
                or TarEntryType.SymbolicLink or TarEntryType.HardLink:
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                throw Refused(unpack, raw, $"is a {tar.EntryType}: no device or fifo is stored");
            default:
                throw Refused(unpack, raw, $"is a {tar.EntryType} entry, which is not unpacked");
        }

        if (!unpack.Selected(name))
        {
            return null;
        }

        return written.TryGetValue(name, out var earlier)
            ? throw Refused(unpack, raw, $"is also '{earlier.Path}' (written by another entry or layer)")
            : name;
    }

    /// <summary>Where a link points, as a path from the version's root; refused when it leaves the version.</summary>
    public static string LinkTarget(string name, TarEntry tar, ArchiveUnpack unpack)
    {
        var target = tar.LinkName;
        if (target.StartsWith('/'))
        {
            throw Refused(unpack, tar.Name, $"is a link to the absolute path '{target}', outside the version");
        }

        // A symlink is relative to its directory; a hard link names a path from the archive's root.
        var start = tar.EntryType == TarEntryType.SymbolicLink ? (Path.GetDirectoryName(name) ?? "") : "";
        var parts = new List<string>(start.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw Refused(unpack, tar.Name, $"is a link to '{target}', outside the version");
                }

                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    public static DownloadException Refused(ArchiveUnpack unpack, string entry, string why) =>
        new DownloadException(FailureReason.SourceInvalid, $"{unpack.Layer}: tar entry '{entry}' {why}; nothing of the model is published", transient: false)
            .About(entry, unpack.Layer);
}

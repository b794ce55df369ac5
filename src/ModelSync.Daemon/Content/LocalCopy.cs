using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Content;

/// <summary>How a stored file became a staged one.</summary>
internal enum PlacedBy
{
    /// <summary>A hard link: no byte written, no byte of space taken.</summary>
    HardLink,

    /// <summary>A copy (the BCL clones where the filesystem can, e.g. XFS or btrfs reflinks).</summary>
    Copy,
}

/// <summary>What reusing a stored copy gave: the staged file's entry; or <see cref="Damage"/>, the copy's bytes
/// are not what its own marker says (it must be condemned); or <see cref="Unusable"/>, the copy cannot serve
/// for another reason (not this content after all, gone, unreadable, not a regular file): skip it.</summary>
internal sealed record Reuse(FileEntry? Entry, PlacedBy How, string? Damage = null, string? Unusable = null);

/// <summary>
/// Puts a stored copy of a file in place in staging without the network, then hashes what is now there with
/// every digest the source or the copy's marker gives (and xxh128): a marker only vouches for what the bytes
/// were at publish time, so a damaged copy is found here instead of being published again.
/// </summary>
internal static class LocalCopy
{
    public static Reuse Place(StoredFile stored, FileSpec wanted, string target, CancellationToken ct)
    {
        TreeRemover.Remove(target);
        // Only a regular file, and after the link the very inode checked: a path swapped for a link or a FIFO
        // since the index was read must not end up in staging (or block the hash forever).
        if (FileIdentity.Of(stored.FullPath) is not { IsRegularFile: true } source)
        {
            return new Reuse(null, PlacedBy.HardLink, Unusable: "not a regular file");
        }

        var how = FileIdentity.TryHardLink(stored.FullPath, target) ? PlacedBy.HardLink : PlacedBy.Copy;
        if (how == PlacedBy.Copy)
        {
            File.Copy(stored.FullPath, target);
            // A copy has new blocks: durable before a marker vouches for them (a fetched file is fsynced too).
            using var copy = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(copy);
        }
        else if (FileIdentity.Of(target) is not { } placed || placed.Inode != source.Inode || placed.Device != source.Device)
        {
            TreeRemover.Remove(target);
            return new Reuse(null, how, Unusable: "changed while it was linked");
        }

        var kinds = wanted.Sha256 is null && !wanted.RecordSha256 && stored.Entry.Sha256 is null ? DigestKind.Xxh128 : DigestKind.Both;
        var git = wanted.GitBlobSha1 is not null || stored.Entry.GitBlobSha1 is not null ? (long?)wanted.Size : null;
        var actual = FileHasher.Hash(target, kinds, ct, gitBlobLength: git);
        var damage = Mismatch(stored.Entry, actual);
        var other = damage is null ? DigestCheck.Mismatch(wanted, actual.Sha256, actual.Xxh128, actual.GitBlobSha1) : null;
        if (damage is not null || other is not null)
        {
            TreeRemover.Remove(target);
            return new Reuse(null, how, damage, other is null ? null : $"not the wanted content: {other}");
        }

        return new Reuse(wanted.ToEntry(actual.Sha256, actual.Xxh128), how);
    }

    /// <summary>Null when <paramref name="actual"/> is what <paramref name="recorded"/> (the copy's own marker) says.</summary>
    private static string? Mismatch(FileEntry recorded, DigestResult actual) =>
        actual.Length != recorded.Size ? $"size {actual.Length}, expected {recorded.Size}"
            : Differs("sha256", recorded.Sha256, actual.Sha256) ?? Differs("xxh128", recorded.Xxh128, actual.Xxh128)
                ?? Differs("git blob id", recorded.GitBlobSha1, actual.GitBlobSha1);

    private static string? Differs(string label, string? expected, string? actual) =>
        expected is null || string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase) ? null : $"{label} {actual}, expected {expected}";
}

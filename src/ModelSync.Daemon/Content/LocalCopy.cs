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

/// <summary>What reusing a stored copy gave: the staged file's entry, or why that copy cannot serve.</summary>
internal sealed record Reuse(FileEntry? Entry, PlacedBy How, string? Damage);

/// <summary>
/// Puts a stored copy of a file in place in staging without the network, then hashes what is now there with
/// every digest the source gives (and xxh128): a marker only vouches for what the bytes were at publish time,
/// so a damaged copy is found here instead of being published again.
/// </summary>
internal static class LocalCopy
{
    public static Reuse Place(StoredFile stored, FileSpec wanted, string target, CancellationToken ct)
    {
        Remove(target);
        var how = FileIdentity.TryHardLink(stored.FullPath, target) ? PlacedBy.HardLink : PlacedBy.Copy;
        if (how == PlacedBy.Copy)
        {
            File.Copy(stored.FullPath, target);
        }

        var kinds = wanted.Sha256 is null ? DigestKind.Xxh128 : DigestKind.Both;
        var actual = FileHasher.Hash(target, kinds, ct, gitBlobLength: wanted.GitBlobSha1 is null ? null : wanted.Size);

        var damage = actual.Length != wanted.Size ? $"size {actual.Length}, expected {wanted.Size}"
            : Differs("sha256", wanted.Sha256, actual.Sha256) ?? Differs("xxh128", wanted.Xxh128 ?? stored.Entry.Xxh128, actual.Xxh128)
                ?? Differs("git blob id", wanted.GitBlobSha1, actual.GitBlobSha1);
        if (damage is not null)
        {
            Remove(target);
            return new Reuse(null, how, damage);
        }

        var entry = new FileEntry { Path = wanted.Path, Size = wanted.Size, Sha256 = actual.Sha256, Xxh128 = actual.Xxh128, GitBlobSha1 = wanted.GitBlobSha1 };
        return new Reuse(entry, how, null);
    }

    /// <summary>Unlinks a staged file; never writes into it (it may be another name of a published inode).</summary>
    public static void Remove(string path)
    {
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            File.Delete(path);
        }
    }

    private static string? Differs(string label, string? expected, string? actual) =>
        expected is null || string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase) ? null : $"{label} {actual}, expected {expected}";
}

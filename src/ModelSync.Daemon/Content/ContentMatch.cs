using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Content;

/// <summary>
/// When two descriptions name the same content: the same size, at least one digest kind both carry, and
/// every kind both carry equal. A file is its digest, wherever and under whatever name it is stored.
/// </summary>
internal static class ContentMatch
{
    public static bool Same(FileSpec wanted, FileEntry stored) =>
        Same(wanted.Size, wanted.Sha256, wanted.Xxh128, wanted.GitBlobSha1, stored);

    public static bool Same(FileEntry a, FileEntry b) => Same(a.Size, a.Sha256, a.Xxh128, a.GitBlobSha1, b);

    private static bool Same(long size, string? sha256, string? xxh128, string? gitBlob, FileEntry stored)
    {
        if (size != stored.Size)
        {
            return false;
        }

        var shared = 0;
        foreach (var (want, have) in (ReadOnlySpan<(string?, string?)>)[(sha256, stored.Sha256), (xxh128, stored.Xxh128), (gitBlob, stored.GitBlobSha1)])
        {
            if (want is null || have is null)
            {
                continue;
            }

            if (!string.Equals(want, have, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            shared++;
        }

        return shared > 0;
    }
}

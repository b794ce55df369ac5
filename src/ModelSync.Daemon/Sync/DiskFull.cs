using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// A download that failed because the filesystem is full gives its staging space back: kept for a resume,
/// the partial files (preallocated at full size) would hold the disk full until a person stepped in, and
/// every other writer on the node (inventory, markers, other models) would keep failing meanwhile.
/// </summary>
internal static class DiskFull
{
    private const int Enospc = 28;
    private const int Edquot = 122;

    /// <summary>True when <paramref name="exception"/> or one of its causes is ENOSPC or EDQUOT.</summary>
    public static bool Caused(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // A failed preallocation says "…because the disk was full" with a generic HResult, not errno.
            if (e is IOException io && (io.HResult is Enospc or Edquot
                || io.Message.Contains("No space left on device", StringComparison.Ordinal)
                || io.Message.Contains("disk was full", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>When <paramref name="exception"/> is a full disk, removes the version's staging directory and
    /// resume records; returns what to add to the failure message ("" otherwise).</summary>
    public static string FreeStagingIfCaused(Exception exception, StoreLayout layout, string name, string version)
    {
        if (!Caused(exception))
        {
            return "";
        }

        try
        {
            TreeRemover.Remove(layout.StagingDir(name, version));
            TreeRemover.Remove(layout.ResumeDir(name, version));
            return "; the partial download was removed to give the space back";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"; the partial download could not be removed: {ex.Message}";
        }
    }
}

using ModelSync.Daemon.Downloads;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// A download that failed because the filesystem is full (another writer filled it) keeps what it staged: the
/// model fails as <see cref="FailureReason.InsufficientCapacity"/>, which every pass re-checks at no cost, and
/// once the capacity guard finds room again the download resumes behind the bytes it kept (issue 27: the
/// staging used to be deleted, and the bytes received with it).
/// </summary>
internal static class DiskFull
{
    private const int Enospc = 28;
    private const int Edquot = 122;

    /// <summary>True when <paramref name="exception"/> or one of its causes is ENOSPC or EDQUOT.</summary>
    public static bool Caused(Exception exception) => Cause(exception) is not null;

    /// <summary>The failure to record when <paramref name="exception"/> is a full disk, else null.</summary>
    public static DownloadException? AsCapacityFailure(Exception exception, StoreLayout layout, string name, string version)
    {
        if (Cause(exception) is not { } full)
        {
            return null;
        }

        var staging = layout.StagingDir(name, version);
        var kept = Directory.Exists(staging) ? DiskUsage.OwnBytes(Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)) : 0;
        return new DownloadException(
            FailureReason.InsufficientCapacity,
            $"the filesystem is full ({full.Message}); the {ByteText.Format(kept)} staged so far are kept, and the download resumes when there is room",
            transient: false,
            inner: exception);
    }

    private static IOException? Cause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // A failed preallocation says "…because the disk was full" with a generic HResult, not errno.
            if (e is IOException io && (io.HResult is Enospc or Edquot
                || io.Message.Contains("No space left on device", StringComparison.Ordinal)
                || io.Message.Contains("disk was full", StringComparison.Ordinal)))
            {
                return io;
            }
        }

        return null;
    }
}

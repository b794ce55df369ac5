using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Failures;

/// <summary>Which failures retrying cannot change (parked) and which may pass on their own (backed off).</summary>
internal static class FailureKinds
{
    /// <summary>A digest or size mismatch from a source that served those bytes, a definite "no" (404 and
    /// other non-transient statuses, 401/403), an unusable or forbidden source: asking again gets the same answer.
    /// A full disk, an I/O error, a stall or an unreachable source may clear by itself.</summary>
    public static bool Parks(DownloadException error) => error.Reason switch
    {
        FailureReason.ChecksumMismatch or FailureReason.SizeMismatch => true,
        FailureReason.InsufficientCapacity or FailureReason.VersionPinned or FailureReason.StorageError or FailureReason.Stalled
            or FailureReason.SourceUnreachable or FailureReason.Corrupted => false,
        _ => !error.Transient,
    };

    /// <summary>Mismatches get one immediate re-fetch within a pass (corruption on the way is possible), no more.</summary>
    public const int MismatchRefetches = 1;

    public static bool IsMismatch(DownloadException error) => error.Reason is FailureReason.ChecksumMismatch or FailureReason.SizeMismatch;
}

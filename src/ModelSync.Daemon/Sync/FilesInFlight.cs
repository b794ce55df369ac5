using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// How many files of one model are supplied at once, from the model's file count and sizes: enough files
/// that about <see cref="ConnectionBudget"/> connections are busy, a file fetched in parallel ranges
/// counting <c>sync.segmentsPerFile</c> of them and any other one. A model of one large file gets one
/// (its ranges fill the budget), 2,000 small files get 16 (a small file is mostly round trips, so more of
/// them in flight is what keeps the link busy); never more than the model has files.
/// </summary>
internal static class FilesInFlight
{
    /// <summary>Connections one model aims to keep busy: what <c>aria2c -j16</c> opens for many files.</summary>
    public const int ConnectionBudget = 16;

    public static int For(IReadOnlyCollection<FileSpec> files, SyncSettings sync)
    {
        if (files.Count == 0)
        {
            return 1;
        }

        var connections = files.Sum(f => (long)Connections(f, sync));
        var perFile = (double)connections / files.Count;
        var inFlight = (int)Math.Round(ConnectionBudget / perFile, MidpointRounding.AwayFromZero);
        return Math.Clamp(inFlight, 1, Math.Min(files.Count, ConnectionBudget));
    }

    /// <summary>The connections one file holds while it is fetched (as <c>FileJob.UseSegments</c> decides).</summary>
    private static int Connections(FileSpec file, SyncSettings sync) =>
        sync.SegmentsPerFile > 1 && !file.Url.IsFile && file.Size > 2 * sync.SegmentSize
            ? (int)Math.Min(sync.SegmentsPerFile, (file.Size + sync.SegmentSize - 1) / sync.SegmentSize)
            : 1;
}

namespace ModelSync.Daemon.Manifest;

public static class ManifestDefaults
{
    public const string Root = "/var/lib/k3s-storage/ml-models";
    /// <summary>15 % of the filesystem: kubelet evicts pods under 10 % free (<c>nodefs.available</c>, hard) and
    /// starts deleting images above 85 % used (<c>imageGCHighThresholdPercent</c>); the store stays out of both.</summary>
    public static readonly ReserveSize Reserve = ReserveSize.Share(15);
    public const int KeepVersions = 1;

    /// <summary>store.pinGrace: covers a holder's container restart.</summary>
    public static readonly TimeSpan PinGrace = TimeSpan.FromMinutes(5);
    public const int Concurrency = 2;
    public const int MaxAttempts = 5;
    public const long SegmentSize = 16L << 20;

    /// <summary>Smaller ranges cost a request each for no gain; also bounds the pieces per file.</summary>
    public const long MinSegmentSize = 1L << 20;
    public const int SegmentsPerFile = 4;

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(2);
}

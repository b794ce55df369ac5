namespace ModelSync.Daemon.Manifest;

/// <summary>A validated manifest (docs/manifest.md). Every value here already passed validation.</summary>
public sealed record ModelManifest
{
    /// <summary>The file it was loaded from, for messages.</summary>
    public required string SourcePath { get; init; }

    /// <summary>sha256 (hex) of the bytes it was loaded from, when loaded from a file: run mode's reloader
    /// compares it with the file now instead of reading the file a second time at start.</summary>
    public string? ContentSha256 { get; init; }

    public required StoreSettings Store { get; init; }

    public required SyncSettings Sync { get; init; }

    public required IReadOnlyList<ModelSpec> Models { get; init; }

    /// <summary>The names of the models placed on demand (docs/manifest.md, "On demand").</summary>
    public IReadOnlySet<string> OnDemandModels => Models.Where(m => m.Placement?.OnDemand == true).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>When loaded from a directory (<c>--manifest DIR</c>): each file's content in force and the files held
    /// back; null for a single file.</summary>
    public Directories.ManifestFileSet? FileSet { get; init; }
}

public sealed record StoreSettings
{
    public required string Root { get; init; }

    /// <summary>Bytes the store may use in all; null means no limit but the filesystem reserve.</summary>
    public long? Capacity { get; init; }

    /// <summary>Always left free on the filesystem: bytes, or a share of its size.</summary>
    public ReserveSize Reserve { get; init; } = ManifestDefaults.Reserve;

    public int KeepVersions { get; init; } = ManifestDefaults.KeepVersions;

    /// <summary>How long a version GC would remove stays after its last pin was seen released (0: until the next GC).</summary>
    public TimeSpan PinGrace { get; init; } = ManifestDefaults.PinGrace;

    /// <summary>Bytes on-demand models may use together (docs/manifest.md, "On demand"); null: half of
    /// <see cref="Capacity"/> when that is written, else only the filesystem reserve bounds them.</summary>
    public long? OnDemandCapacity { get; init; }

    /// <summary>The cap on on-demand bytes in force, or null for none.</summary>
    public long? OnDemandLimit => OnDemandCapacity ?? (Capacity is { } c ? c / 2 : null);
}

public sealed record SyncSettings
{
    public TimeSpan Interval { get; init; } = ManifestDefaults.Interval;

    public int Concurrency { get; init; } = ManifestDefaults.Concurrency;

    public RetrySettings Retry { get; init; } = new();

    public TimeSpan StallTimeout { get; init; } = ManifestDefaults.StallTimeout;

    /// <summary>Bytes per second for the whole node; 0 is unlimited.</summary>
    public long BandwidthLimit { get; init; }

    public Uri? Proxy { get; init; }

    /// <summary>Scheduled scrub in run mode; null is off.</summary>
    public TimeSpan? VerifyInterval { get; init; }

    /// <summary>Files at least this large are fetched in parallel ranges when the server allows it.</summary>
    public long SegmentSize { get; init; } = ManifestDefaults.SegmentSize;

    /// <summary>Connections per large file.</summary>
    public int SegmentsPerFile { get; init; } = ManifestDefaults.SegmentsPerFile;

    /// <summary>Directories <c>file://</c> sources may read from; empty means no <c>file://</c> source at all.</summary>
    public IReadOnlyList<string> AllowedFileRoots { get; init; } = [];

    /// <summary>Every model must have a <c>signature</c> block (docs/signatures.md).</summary>
    public bool RequireSignatures { get; init; }

    /// <summary>Each source kind's own settings (<c>sync.s3</c>, <c>insecureRegistries</c>...), as its kind read them;
    /// a kind whose keys were not written has none here.</summary>
    public IReadOnlyList<SourceSettings> Sources { get; init; } = [];

    /// <summary>The settings of the kind whose record is <typeparamref name="T"/>: as written, else its defaults.</summary>
    public T Source<T>()
        where T : SourceSettings, new() => Sources.OfType<T>().FirstOrDefault() ?? new T();
}

public sealed record RetrySettings
{
    public int MaxAttempts { get; init; } = ManifestDefaults.MaxAttempts;

    public TimeSpan BaseDelay { get; init; } = ManifestDefaults.BaseDelay;

    public TimeSpan MaxDelay { get; init; } = ManifestDefaults.MaxDelay;
}

public sealed record ModelSpec
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>Files, or empty for a model whose source lists them when it is resolved.</summary>
    public required IReadOnlyList<FileSpec> Files { get; init; }

    /// <summary>Where the version and files come from, as the source's kind read it (a record of its folder
    /// under <c>Sources/</c>); a resolved source leaves <see cref="Version"/> empty until it is resolved.</summary>
    public required SourceSpec Source { get; init; }

    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>The OMS signature the model must carry (docs/signatures.md); null when none is asked for.</summary>
    public SignatureSpec? Signature { get; init; }

    /// <summary>The recorded source of a model resolved from a source (<c>hf://</c>, <c>oci://</c>); null for a listed one.</summary>
    public string? SourceKey => Source.Key;

    /// <summary>What the manifest asks for, for messages: the version, or the source as written.</summary>
    public string Wanted => Version.Length > 0 ? Version : Source.Written;

    /// <summary>Which nodes keep it (docs/manifest.md, "Placement"); null: every node.</summary>
    public PlacementSpec? Placement { get; init; }
}

public sealed record FileSpec
{
    /// <summary>Relative path inside the model directory.</summary>
    public required string Path { get; init; }

    /// <summary>Resolved source: the file's own <c>url</c>, else <c>baseUrl + path</c>. http, https or file.</summary>
    public required Uri Url { get; init; }

    public required long Size { get; init; }

    public string? Sha256 { get; init; }

    public string? Xxh128 { get; init; }

    /// <summary>A git blob id (sha1 of header + content): how the Hugging Face hub names a file not in LFS.
    /// Never written in a manifest; set when an <c>hf://</c> source is resolved.</summary>
    public string? GitBlobSha1 { get; init; }

    /// <summary>What the source itself vouches for beyond the digests above (an S3 object's checksum or ETag),
    /// checked over the same bytes; null when nothing more.</summary>
    public SourceChecksum? SourceChecksum { get; init; }

    /// <summary>Compute and record the sha256 even with none to check it against (a source whose own check is
    /// not a sha256, such as S3), so the store holds both digests as for any other source.</summary>
    public bool RecordSha256 { get; init; }

    /// <summary>The store's entry for this file with the digests given (the ones verified for it).</summary>
    public Store.Inventory.FileEntry ToEntry(string? sha256, string? xxh128) =>
        new() { Path = Path, Size = Size, Sha256 = sha256, Xxh128 = xxh128, GitBlobSha1 = GitBlobSha1 };
}

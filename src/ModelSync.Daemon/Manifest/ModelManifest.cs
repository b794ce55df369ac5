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
}

public sealed record StoreSettings
{
    public required string Root { get; init; }

    /// <summary>Bytes the store may use in all; null means no limit but the filesystem reserve.</summary>
    public long? Capacity { get; init; }

    /// <summary>Always left free on the filesystem: bytes, or a share of its size.</summary>
    public ReserveSize Reserve { get; init; } = ManifestDefaults.Reserve;

    public int KeepVersions { get; init; } = ManifestDefaults.KeepVersions;
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

    /// <summary>The Hugging Face hub for <c>hf://</c> sources; null means <c>HF_ENDPOINT</c>, else huggingface.co.</summary>
    public Uri? HfEndpoint { get; init; }

    /// <summary>Where <c>hf://</c> sources resolve when <see cref="HfEndpoint"/> (an in-cluster cache) does not
    /// answer: null fails the pass naming the endpoint (<c>hfFallback: fail</c>, the default).</summary>
    public Uri? HfFallback { get; init; }

    /// <summary><c>sync.s3</c>: endpoint, region and addressing for <c>s3://</c> sources.</summary>
    public S3Settings S3 { get; init; } = new();

    /// <summary>Directories <c>file://</c> sources may read from; empty means no <c>file://</c> source at all.</summary>
    public IReadOnlyList<string> AllowedFileRoots { get; init; } = [];

    /// <summary><c>HOST[:PORT]</c> of registries <c>oci://</c> sources reach over plain HTTP; every other one over https.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>A docker <c>config.json</c> with registry credentials for every <c>oci://</c> model of the node.</summary>
    public string? DockerConfigFile { get; init; }
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

    public Uri? BaseUrl { get; init; }

    /// <summary>A file whose content is sent as <c>Authorization: Bearer</c>; read at download time, never logged.</summary>
    public string? BearerTokenFile { get; init; }

    /// <summary>Files, or empty for a <see cref="Hub"/> model until it is resolved.</summary>
    public required IReadOnlyList<FileSpec> Files { get; init; }

    /// <summary>Set for <c>source: hf://...</c>; then <see cref="Version"/> is empty until the reference
    /// is resolved to a commit, which becomes the version.</summary>
    public HubReference? Hub { get; init; }

    /// <summary>Set for <c>source: oci://...</c> (or <c>ollama://</c>); then <see cref="Version"/> is empty until the
    /// reference is resolved to a manifest digest, which names the version.</summary>
    public OciReference? Oci { get; init; }

    /// <summary>A docker <c>config.json</c> (what a <c>kubernetes.io/dockerconfigjson</c> Secret holds) for this
    /// model's registry; read at resolution time, never logged. Overrides <see cref="SyncSettings.DockerConfigFile"/>.</summary>
    public string? DockerConfigFile { get; init; }

    /// <summary>Set for <c>source: s3://...</c>; then <see cref="Version"/> is empty until the listing is
    /// resolved (docs/sources.md, "S3").</summary>
    public S3Reference? S3 { get; init; }

    /// <summary>Digests the manifest gives for objects of an <see cref="S3"/> source (<c>digests:</c>), by path.</summary>
    public IReadOnlyList<KnownDigest> Digests { get; init; } = [];

    /// <summary><c>verify: size</c>: an object nothing vouches for is accepted on its size alone (S3 only).</summary>
    public bool VerifySizeOnly { get; init; }

    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>The recorded source of a model resolved from a source (<c>hf://</c>, <c>oci://</c>); null for a listed one.</summary>
    public string? SourceKey => Hub?.Key ?? Oci?.Key ?? S3?.Key;

    /// <summary>What the manifest asks for, for messages: the version, or the hub reference.</summary>
    public string Wanted => Version.Length > 0 ? Version : Hub?.ToString() ?? Oci?.ToString() ?? S3?.ToString() ?? Version;
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

/// <summary>A digest the manifest gives for one object of a resolved source (<c>digests:</c>).</summary>
public sealed record KnownDigest(string Path, string? Sha256, string? Xxh128);

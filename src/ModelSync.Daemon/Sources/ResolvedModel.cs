using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources;

/// <summary>
/// A model as the engine fetches it: the version, what it was resolved from, and every file with its path,
/// size, digests (at least one: the file is known by its content before a byte is fetched) and how to fetch it.
/// </summary>
internal sealed record ResolvedModel
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>As <see cref="ISourceResolver.SourceKey"/>.</summary>
    public string? Source { get; init; }

    public required IReadOnlyList<ResolvedFile> Files { get; init; }

    /// <summary>A check the source wants made before any byte is fetched, and only then (an OCI config blob's
    /// digest): a version already published asks nothing of the source but its listing.</summary>
    public Func<CancellationToken, Task>? BeforeFetch { get; init; }

    /// <summary>True when some file is an archive unpacked into the version: its files are known only once fetched.</summary>
    public bool HasArchives => Files.Any(f => f.Unpack is not null);

    public long TotalBytes => Files.Sum(f => f.Spec.Size);
}

/// <summary>One file and the credential its URL may carry (null: none may go there).</summary>
internal sealed record ResolvedFile(FileSpec Spec, Credential? Credential)
{
    /// <summary>Set for a tar layer: fetched and verified like any file, then unpacked (<c>Sync/ArchiveUnpacker</c>).</summary>
    public ArchiveUnpack? Unpack { get; init; }

    /// <summary>How messages name where the file comes from (<c>s3://bucket/key</c>); null: its redacted URL.</summary>
    public string? Origin { get; init; }

    /// <summary>The kind's change probe for this file (what a parked model's file says now, without its bytes), when
    /// a HEAD of its URL (or a <c>file://</c>'s mtime, <c>Failures/SourceProbe</c>) cannot tell: null for those.</summary>
    public Func<CancellationToken, Task<string?>>? Probe { get; init; }

    /// <summary>The file's source for messages: never a query, never a credential.</summary>
    public string From => Origin ?? Downloads.HttpSource.Redact(Spec.Url);

    public override string ToString() => $"{Spec.Path} from {From}";
}

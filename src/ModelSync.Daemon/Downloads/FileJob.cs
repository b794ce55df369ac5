using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads;

/// <summary>One file to fetch into staging. <see cref="BearerToken"/> is read from the token file at
/// start of the model's sync and lives only here, never in a log or the inventory. <see cref="Presign"/>, when
/// set, gives the URL each request goes to (an S3 presigned GET, signed afresh so none expires mid-transfer):
/// it is a credential, so only <see cref="FileSpec.Url"/> (unsigned) is ever logged or recorded.</summary>
internal sealed record FileJob(
    FileSpec Spec, string TargetPath, string StatePath, string? BearerToken, TimeSpan StallTimeout, long SegmentSize, int Segments, IReadOnlyList<string> FileRoots,
    Func<CancellationToken, Task<Uri>>? Presign = null)
{
    /// <summary>Where the next request for the file goes.</summary>
    public Task<Uri> RequestUrlAsync(CancellationToken ct) => Presign is null ? Task.FromResult(Spec.Url) : Presign(ct);

    /// <summary>Parallel ranges pay off only when there are several segments to spread.</summary>
    public bool UseSegments => Segments > 1 && !Spec.Url.IsFile && Spec.Size > 2 * SegmentSize;

    public override string ToString() => $"{Spec.Path} from {HttpSource.Redact(Spec.Url)}";
}

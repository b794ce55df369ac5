using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads;

/// <summary>One file to fetch into staging. <see cref="BearerToken"/> is read from the token file at
/// start of the model's sync and lives only here, never in a log or the inventory.</summary>
internal sealed record FileJob(FileSpec Spec, string TargetPath, string StatePath, string? BearerToken, TimeSpan StallTimeout)
{
    public override string ToString() => $"{Spec.Path} from {HttpSource.Redact(Spec.Url)}";
}

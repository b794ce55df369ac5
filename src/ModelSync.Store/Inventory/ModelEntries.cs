namespace ModelSync.Store.Inventory;

/// <summary>
/// Every inventory transition, in one place: the daemon and the rebuilder build entries only through here.
/// <code>
///   (none) ─► Pending ─► Downloading ─► Ready ─► Failed/Corrupted ─► Pending …
///                 └──────────┴──────────► Failed ─► Pending …
/// </code>
/// <c>error.nextRetryAt</c> has one meaning: when the daemon next starts an attempt at this model (a file's
/// next try within a pass, the next pass, or the end of the failure policy's backoff); null when nothing will
/// retry it on its own (a one-shot <c>sync</c>, or a model parked until its source changes). <c>failure</c>
/// (<see cref="FailureRecord"/>) rides along through Pending and Downloading and goes with Ready.
/// </summary>
public static class ModelEntries
{
    public const string CorruptedReason = "Corrupted";

    /// <summary>A published version: what its marker vouches for.</summary>
    public static ModelEntry Ready(ModelMarker marker, DateTimeOffset? verifiedAt) => new()
    {
        Name = marker.Name,
        Version = marker.Version,
        Source = marker.Source,
        State = ModelState.Ready,
        Path = Layout.StoreLayout.VersionRelativePath(marker.Name, marker.Version),
        Bytes = marker.Bytes,
        ReadyAt = marker.PublishedAt,
        VerifiedAt = verifiedAt,
        Files = marker.Files,
        Signature = marker.Signature,
    };

    public static ModelEntry Pending(string name, string version, string? source, long bytes, PreviousVersion? previous, FailureRecord? failure = null) => new()
    {
        Name = name, Version = version, Source = source, State = ModelState.Pending, Bytes = bytes, Previous = previous, Failure = failure,
    };

    public static ModelEntry Downloading(ModelEntry pending, ModelProgress progress) =>
        pending with { State = ModelState.Downloading, Progress = progress };

    /// <summary>A file attempt failed and will be tried again at <c>error.nextRetryAt</c>; the state stays.</summary>
    public static ModelEntry Retrying(ModelEntry entry, ModelError error) => entry with { Error = error };

    /// <summary>The model did not become Ready; <paramref name="known"/> (its entry before) keeps its progress
    /// and counts the attempt.</summary>
    public static ModelEntry Failed(string name, string version, string? source, long bytes, PreviousVersion? previous, ModelEntry? known, string reason, string message, string? file, int? attempts, FailureRecord? failure = null) => new()
    {
        Failure = failure,
        Name = name,
        Version = version,
        Source = source,
        State = ModelState.Failed,
        Bytes = bytes,
        Progress = known?.Progress?.Stopped(),
        Previous = previous,
        Error = new ModelError { Reason = reason, Message = message, File = file, Attempts = attempts ?? (known?.Error?.Attempts ?? 0) + 1 },
    };

    /// <summary>A Ready version whose bytes are damaged; unchanged when <paramref name="entry"/> is not that
    /// version Ready any more, or that version published again since (<paramref name="publishedAt"/>, when
    /// given): a check racing a switch or a repair does not condemn the new copy.</summary>
    public static ModelEntry Corrupted(ModelEntry entry, string version, DateTimeOffset? publishedAt, string message, string? file, DateTimeOffset nextRetryAt) =>
        entry.Version != version || entry.State != ModelState.Ready || (publishedAt is { } at && entry.ReadyAt != at) ? entry : entry with
        {
            State = ModelState.Failed,
            Error = new ModelError { Reason = CorruptedReason, Message = message, File = file, Attempts = 0, NextRetryAt = nextRetryAt },
        };

    /// <summary>A version found damaged that <paramref name="entry"/> offers as <c>previous</c> is offered no more.</summary>
    public static ModelEntry WithoutPrevious(ModelEntry entry, string version) =>
        entry.Previous?.Version == version ? entry with { Previous = null } : entry;

    public static ModelEntry Verified(ModelEntry entry, string version, DateTimeOffset at) =>
        entry.Version == version && entry.State == ModelState.Ready ? entry with { VerifiedAt = at } : entry;

    /// <summary>A download its writer stopped (SIGTERM): back to Pending with the progress it reached, which
    /// the next run resumes from; not <c>Downloading</c>, since nothing moves it any more.</summary>
    public static ModelEntry Interrupted(ModelEntry entry) =>
        entry.State == ModelState.Downloading ? entry with { State = ModelState.Pending, Progress = entry.Progress?.Stopped() } : entry;

    /// <summary>The next pass is at <paramref name="at"/>: a Failed model is tried again then, or at the end of
    /// its backoff if later; one parked on a validator waits for the validator, not for a time.</summary>
    public static ModelEntry NextPass(ModelEntry entry, DateTimeOffset at) =>
        entry is { State: ModelState.Failed, Error: { } error }
            ? entry with
            {
                Error = error with
                {
                    NextRetryAt = entry.Failure switch
                    {
                        { Parked.Validator: not null } => null,
                        { NotBefore: { } notBefore } when notBefore > at => notBefore,
                        _ => at,
                    },
                },
            }
            : entry;

    /// <summary>An operator's retry: the backoff and the parking go, the count of bytes spent stays.</summary>
    public static ModelEntry Retry(ModelEntry entry, DateTimeOffset now) => entry.Failure is not { } failure ? entry : entry with
    {
        Failure = failure with { Passes = 0, NotBefore = null, Parked = null },
        Error = entry.Error is { } error && entry.State == ModelState.Failed ? error with { NextRetryAt = now } : entry.Error,
    };
}

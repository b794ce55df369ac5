namespace ModelSync.Daemon.Downloads;

/// <summary>Why a model is <c>Failed</c>; the names appear in the inventory, on /status and in metrics.</summary>
public enum FailureReason
{
    ChecksumMismatch,
    SizeMismatch,
    HttpStatus,
    Stalled,
    SourceUnreachable,
    InsufficientCapacity,
    Unauthorized,
    StorageError,
    Corrupted,
    SourceNotAllowed,
    SourceInvalid,
    SignatureInvalid,

    /// <summary>The manifest gives a version a pod pins other content: waits for the pin's release (docs/store-format.md, "Pins").</summary>
    VersionPinned,
}

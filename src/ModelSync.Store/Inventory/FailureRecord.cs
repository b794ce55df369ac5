namespace ModelSync.Store.Inventory;

/// <summary>
/// <c>models[].failure</c>: what the daemon's failure policy remembers across passes and restarts about a
/// model that keeps failing, so a failure that retrying cannot change is not paid for again (docs/daemon.md,
/// "Failure policy"). Cleared when the model becomes Ready, or by an operator's retry.
/// </summary>
public sealed record FailureRecord
{
    /// <summary>Consecutive passes that ended with this model Failed for the same manifest entry.</summary>
    public int Passes { get; init; }

    /// <summary>Bytes received from the source by those passes: what the failures cost.</summary>
    public long BytesSpent { get; init; }

    /// <summary>Fingerprint of the manifest entry the failures were made for; another entry starts afresh.</summary>
    public required string Spec { get; init; }

    /// <summary>No attempt before this instant (the backoff); null while parked on a validator.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Set when retrying cannot help: not fetched again until the entry, the validator or an operator changes something.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ParkedOn? Parked { get; init; }
}

/// <summary>Why a model is parked and what would change it: the source's validator of the file (ETag,
/// Last-Modified, length or status, as <c>HEAD</c> gave it; a file's mtime and size) when it was parked, or
/// null when the source gave none (then the backoff alone decides the next attempt).</summary>
public sealed record ParkedOn(string Reason, DateTimeOffset Since, string? File, string? Validator);

namespace ModelSync.Daemon.Manifest;

/// <summary>
/// One model's source as its kind read it from the manifest (docs/daemon.md, "The source seam"): a record of
/// the kind's folder under <c>Sources/</c>. The engine knows a source only through these members.
/// </summary>
public abstract record SourceSpec
{
    /// <summary>What a version resolved from this source records as its <c>source</c> (marker, inventory); null
    /// for a manifest entry that lists its files.</summary>
    public abstract string? Key { get; }

    /// <summary>The source as written in the manifest, for messages (<c>hf://org/repo@main</c>); empty when the
    /// manifest lists the files.</summary>
    public abstract string Written { get; }

    /// <summary>How <c>validate</c> counts a model whose files are listed only at sync (<c>hf://</c>); null when
    /// the manifest lists them.</summary>
    public virtual string? ListedBy => Key is { } key ? key[..(key.IndexOf("://", StringComparison.Ordinal) + 3)] : null;

    /// <summary>What of this entry and of <paramref name="sync"/> decides how the source is fetched, for the
    /// failure fingerprint (<c>Failures/SpecFingerprint</c>): a change to any of it lifts a parked model.</summary>
    public abstract SourceIdentity Identity(SyncSettings sync);
}

/// <param name="Json">The kind's fields and the settings it reads, serialized by the kind's own source-generated
/// context, so a field added to its record is covered without a line elsewhere.</param>
/// <param name="CredentialFiles">Files the source reads credentials from: their content counts, never their text.</param>
public sealed record SourceIdentity(string Json, IReadOnlyList<string> CredentialFiles);

/// <summary>A source kind's own <c>sync</c> settings (<c>sync.s3</c>, <c>insecureRegistries</c>...): a record of
/// the kind's folder; <see cref="SyncSettings.Source{T}"/> gives it, with the kind's defaults when none was written.</summary>
public abstract record SourceSettings;

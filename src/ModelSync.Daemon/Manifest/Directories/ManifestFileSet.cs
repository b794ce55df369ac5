namespace ModelSync.Daemon.Manifest.Directories;

/// <summary>What a manifest loaded from a directory was made of: each file's content in force (its last good
/// content), and the problems of the files held back (bad, unreadable, or in conflict), each named.</summary>
/// <param name="InForce">By path; a file held back without a last good content is absent.</param>
public sealed record ManifestFileSet(IReadOnlyDictionary<string, byte[]> InForce, IReadOnlyList<ManifestProblem> HeldBack)
{
    /// <summary>The <see cref="DirectoryRead.Fingerprint"/> of the read this set was made from, when loaded as run
    /// mode starts: the reloader's first look then parses nothing unless the directory changed since.</summary>
    public string? ReadFingerprint { get; init; }

    /// <summary>The files held back, in name order.</summary>
    public IReadOnlyList<string> HeldBackFiles(string directory) =>
        [.. HeldBack.Select(p => p.File).Where(f => f != directory).Distinct().Order(StringComparer.Ordinal)];
}

/// <summary>One application of a directory's files: the manifest now in force (null: nothing can be), the
/// problems of what was held back, and the models kept in force on their way to a file held back.</summary>
internal sealed record FileSetOutcome(
    ModelManifest? Manifest,
    IReadOnlyList<ManifestProblem> Problems,
    IReadOnlyList<string> Applied,
    IReadOnlyList<(string Model, string File)> Carried,
    IReadOnlyList<string> SettingsLeftOut);

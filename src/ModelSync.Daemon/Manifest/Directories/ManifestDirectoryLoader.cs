namespace ModelSync.Daemon.Manifest.Directories;

/// <summary>Loads <c>--manifest DIR</c>: strictly (every problem of every file, for <c>validate</c>, <c>sync</c>,
/// <c>gc</c>), or as the daemon starts (<see cref="LoadLeavingOut"/>).</summary>
internal static class ManifestDirectoryLoader
{
    /// <summary>A manifest only when no file has a problem; every problem of every file otherwise.</summary>
    public static ManifestLoadResult Load(string directory, IReadOnlyList<ISourceSyntax> kinds)
    {
        var read = DirectoryListing.Read(directory);
        if (read.Error is not null)
        {
            return new ManifestLoadResult(null, [new ManifestProblem(directory, 0, 0, "", read.Error)]);
        }

        var unreadable = read.Files.Where(f => f.Bytes is null).Select(f => new ManifestProblem(f.Path, 0, 0, "", $"cannot read the file: {f.ReadError}")).ToList();
        var composed = DirectoryComposer.Compose(directory, [.. read.Files.Where(f => f.Bytes is not null).Select(f => (f.Path, f.Bytes!, true))], kinds);
        IReadOnlyList<ManifestProblem> problems = [.. unreadable, .. composed.Problems];
        return problems.Count == 0 && composed.Manifest is { } manifest
            ? new ManifestLoadResult(manifest with { FileSet = new ManifestFileSet(read.Files.ToDictionary(f => f.Path, f => f.Bytes!, StringComparer.Ordinal), []) }, [])
            : new ManifestLoadResult(null, problems);
    }

    /// <summary>
    /// As run mode starts: a bad file is left out (its models are not in force, its problems are returned and
    /// shown on /status) and the others run. A bad file that has (or seems to have) <c>store</c> or <c>sync</c>
    /// cannot be left out: the daemon would run on settings nobody wrote, so nothing is loaded.
    /// </summary>
    /// <returns>The manifest (with <see cref="ModelManifest.FileSet"/>) and the problems of the files left out.</returns>
    public static ManifestLoadResult LoadLeavingOut(string directory, IReadOnlyList<ISourceSyntax> kinds)
    {
        var read = DirectoryListing.Read(directory);
        var outcome = new LastGoodFiles().Apply(read, kinds, requiredRoot: null, previous: null);
        if (outcome.Manifest is null || outcome.SettingsLeftOut.Count > 0)
        {
            return new ManifestLoadResult(null, [.. outcome.Problems, .. outcome.SettingsLeftOut.Select(f => new ManifestProblem(f, 0, 0, "",
                "has store or sync and is not valid: without its settings the daemon cannot start"))]);
        }

        var manifest = outcome.Manifest with { FileSet = outcome.Manifest.FileSet! with { ReadFingerprint = read.Fingerprint() } };
        return new ManifestLoadResult(manifest, outcome.Problems);
    }
}

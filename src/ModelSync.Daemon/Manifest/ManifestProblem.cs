namespace ModelSync.Daemon.Manifest;

/// <summary>
/// One thing wrong with a manifest. Line and column are 1-based; 0 means the problem has no position
/// (the file could not be read). Field is a path like <c>models[1].files[0].sha256</c>, or empty for
/// YAML syntax errors.
/// </summary>
public sealed record ManifestProblem(string File, int Line, int Column, string Field, string Message)
{
    /// <summary><c>FILE:LINE:COL: field.path: message</c>, the format editors and CI annotations jump to.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Field.Length > 0 ? $"{where}: {Field}: {Message}" : $"{where}: {Message}";
    }
}

/// <summary>The outcome of loading a manifest: a manifest when, and only when, there are no problems.</summary>
public sealed record ManifestLoadResult(ModelManifest? Manifest, IReadOnlyList<ManifestProblem> Problems)
{
    public bool IsValid => Manifest is not null;
}

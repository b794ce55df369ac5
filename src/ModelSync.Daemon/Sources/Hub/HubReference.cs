using System.Text.RegularExpressions;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary>
/// <c>source: hf://ORG/REPO@REVISION</c>: a Hugging Face model repository at a branch, tag or commit.
/// The daemon resolves it to a commit and the commit's file list (docs/sources.md); the commit is the
/// version, so a moving branch becomes a new version instead of changing a Ready one.
/// </summary>
public sealed partial record HubReference(string Repo, string Revision)
{
    public const string Scheme = "hf://";
    public const string DefaultRevision = "main";

    public IReadOnlyList<string> Include { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>As written in the manifest: <c>hf://org/repo@rev</c>.</summary>
    public override string ToString() => $"{Scheme}{Repo}@{Revision}";

    /// <summary>
    /// What markers and the inventory record as the source: the reference plus its filters
    /// (<c>hf://org/repo@rev?include=*.json,*.bin&amp;exclude=onnx/*</c>), so a changed include/exclude is
    /// another source and never mistaken for the file set already on disk.
    /// </summary>
    public string Key => ModelFields.FilteredKey(ToString(), Include, Exclude);

    /// <summary>Null when <paramref name="text"/> is a valid reference, else why not.</summary>
    public static string? TryParse(string text, out HubReference? reference)
    {
        reference = null;
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return $"must be hf://ORG/REPO[@REVISION], got '{text}'";
        }

        var rest = text[Scheme.Length..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var repo = at < 0 ? rest : rest[..at];
        var revision = at < 0 ? DefaultRevision : rest[(at + 1)..];
        if (!RepoPattern().IsMatch(repo) || repo.Contains("--", StringComparison.Ordinal) || repo.Contains("..", StringComparison.Ordinal))
        {
            return $"'{repo}' is not a hub repository id (ORG/NAME or NAME: letters, digits, '-', '_', '.'; no '--' or '..')";
        }

        if (!RevisionPattern().IsMatch(revision) || revision.Contains("..", StringComparison.Ordinal))
        {
            return $"'{revision}' is not a branch, tag or commit (letters, digits, '-', '_', '.', '/'; no '..')";
        }

        reference = new HubReference(repo, revision);
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$", RegexOptions.CultureInvariant)]
    private static partial Regex RevisionPattern();
}

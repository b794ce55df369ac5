using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Manifest;

/// <summary>Collects every problem of one load, all attributed to one source file.</summary>
internal sealed class ProblemList(string file)
{
    private readonly List<ManifestProblem> items = [];

    public int Count => items.Count;

    public void Add(int line, int column, string field, string message) =>
        items.Add(new ManifestProblem(file, line, column, field, message));

    public void Add(YNode at, string field, string message) => Add(at.Line, at.Column, field, message);

    /// <summary>In document order, so the output reads top to bottom like the file.</summary>
    public IReadOnlyList<ManifestProblem> Sorted() =>
        [.. items.OrderBy(p => p.Line).ThenBy(p => p.Column)];
}

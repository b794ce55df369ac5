using System.Text.RegularExpressions;

namespace ModelSync.Daemon.Tests.Architecture;

/// <summary>
/// The daemon's folders form layers (docs/daemon.md, "Code layout"): a folder may use its own layer and
/// the ones below, never one above. Read from the sources, so a new <c>using</c> that breaks the order
/// fails here rather than in a review. The Store library knows neither the daemon nor the gate.
/// </summary>
public sealed partial class LayeringTests
{
    // Top to bottom; folders of one layer may use each other.
    private static readonly string[][] Layers =
    [
        ["Cli"],
        ["Hosting", "Requests"],
        ["Sync", "Lifecycle", "Failures", "Verify", "Gc", "Http", "Metrics", "Placement"],
        ["Inventory"],
        ["Downloads", "Content", "Sources", "HubView", "Kubernetes", "Signatures", "Walk"],
        ["Manifest", "Logging"],
    ];

    private static string DaemonSource => RepoRoot.Combine("src", "ModelSync.Daemon");

    [Fact]
    public void Daemon_NoFolderUsesAFolderAboveIt()
    {
        var upward = Dependencies()
            .Where(d => Layer(d.From) is { } from && Layer(d.To) is { } to && to < from)
            .Select(d => $"{d.File}: {d.From} -> {d.To}")
            .ToList();

        Assert.Empty(upward);
    }

    [Fact]
    public void Daemon_FoldersOfOneLayerHaveNoCycles()
    {
        var edges = Dependencies().Select(d => $"{d.From} -> {d.To}").ToHashSet(StringComparer.Ordinal);
        var cycles = edges
            .Select(e => e.Split(" -> "))
            .Where(e => edges.Contains($"{e[1]} -> {e[0]}"))
            .Select(e => $"{e[0]} -> {e[1]}")
            .ToList();

        Assert.Empty(cycles);
    }

    [Fact]
    public void Daemon_EveryFolderHasALayer()
    {
        var folders = Directory.EnumerateDirectories(DaemonSource)
            .Select(Path.GetFileName)
            .Where(f => f is not ("bin" or "obj" or "Properties"))
            .Where(f => Layer(f!) is null);

        Assert.Empty(folders);
    }

    /// <summary>A model's entry has one owner (Lifecycle/ModelLifecycle): nothing else even names the inventory's writer.</summary>
    [Fact]
    public void Daemon_OnlyTheLifecycleTouchesTheInventoryWriter()
    {
        var others = SourceFiles(DaemonSource)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Lifecycle{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Inventory{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("InventoryState", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(others);
    }

    [Theory]
    [InlineData("ModelSync.Daemon")]
    [InlineData("ModelSync.Gate")]
    public void Store_KnowsNeitherDaemonNorGate(string product)
    {
        var uses = SourceFiles(RepoRoot.Combine("src", "ModelSync.Store"))
            .Where(f => File.ReadAllText(f).Contains(product, StringComparison.Ordinal))
            .ToList();
        var project = File.ReadAllText(RepoRoot.Combine("src", "ModelSync.Store", "ModelSync.Store.csproj"));

        Assert.Empty(uses);
        Assert.DoesNotContain(product, project, StringComparison.Ordinal);
    }

    private static int? Layer(string folder)
    {
        var index = Array.FindIndex(Layers, l => l.Contains(folder, StringComparer.Ordinal));
        return index < 0 ? null : index;
    }

    private static IEnumerable<(string File, string From, string To)> Dependencies() =>
        from file in SourceFiles(DaemonSource)
        let relative = Path.GetRelativePath(DaemonSource, file)
        where relative.Contains('/', StringComparison.Ordinal)
        let folder = relative[..relative.IndexOf('/', StringComparison.Ordinal)]
        from match in DaemonNamespace().Matches(File.ReadAllText(file))
        let used = match.Groups[1].Value
        where used != folder
        select (relative, folder, used);

    private static IEnumerable<string> SourceFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    // A using directive or a fully qualified name: either is a dependency on that folder.
    [GeneratedRegex(@"\bModelSync\.Daemon\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex DaemonNamespace();
}

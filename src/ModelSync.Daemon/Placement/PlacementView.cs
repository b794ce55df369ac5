using System.Text.Json.Serialization;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Placement;

/// <summary>One model of the manifest: on this node or not, and why (<c>every node</c>, <c>nodes gpu-*</c>,
/// <c>label gpu=a100</c>, <c>not for this node (...)</c>).</summary>
internal sealed record PlacedModel(string Name, bool OnNode, string Why)
{
    /// <summary>An on-demand model past its <c>keepAfterLastUse</c>: it leaves the node for disuse.</summary>
    [JsonIgnore]
    public bool Disused { get; init; }
}

/// <summary>The last pass's placement, as <c>/status</c>, the page and <c>status</c> show it; written to
/// <c>.modelsync/placement.json</c> for the <c>status</c> verb, which reads files only.</summary>
internal sealed record PlacementView(
    string? Node,
    DateTimeOffset DecidedAt,
    IReadOnlyList<PlacedModel> Models,
    DateTimeOffset? LabelsReadAt,
    string? LabelsError,
    string? LabelNodeError)
{
    public const string FileName = "placement.json";

    public static string PathIn(StoreLayout layout) => System.IO.Path.Combine(layout.StateDir, FileName);

    /// <summary>Null when the file is absent or unreadable (a store no daemon of this version has written).</summary>
    public static PlacementView? Read(StoreLayout layout)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(PathIn(layout)), PlacementJsonContext.Default.PlacementView);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The table the <c>status</c> verb prints under the inventory's.</summary>
    public string Text()
    {
        var width = Models.Count == 0 ? 0 : Models.Max(m => m.Name.Length);
        var lines = Models.Select(m => $"  {m.Name.PadRight(width)}  {(m.OnNode ? "on this node" : "not here")}: {m.Why}");
        var labels = LabelsError is { } e ? $"; labels not known: {e}" : LabelsReadAt is { } at ? $"; labels read {at:u}" : "";
        var patch = LabelNodeError is { } p ? $"\n  warm-node labels not patched: {p}" : "";
        return $"placement on node {Node ?? "(--node/MODELSYNC_NODE not set)"}{labels}\n{string.Join('\n', lines)}{patch}\n";
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PlacementView))]
internal sealed partial class PlacementJsonContext : JsonSerializerContext;

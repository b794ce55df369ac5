namespace ModelSync.Daemon.Manifest;

/// <summary>
/// A model's <c>placement</c> (docs/manifest.md, "Placement"): which nodes keep it. <see cref="Nodes"/> and
/// <see cref="Selector"/> must both match when both are written; neither means every node (then only
/// <see cref="LabelNode"/> was asked for).
/// </summary>
public sealed record PlacementSpec
{
    /// <summary>Node-name globs (<c>*</c>, <c>?</c>); empty means any name.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];

    public NodeSelector? Selector { get; init; }

    /// <summary>What status says for a model without placement.</summary>
    public const string EveryNode = "every node";

    /// <summary>Label this node <c>modelsync.io/&lt;model&gt;=ready</c> while the model is Ready here.</summary>
    public bool LabelNode { get; init; }

    /// <summary>Fetched on a node only when a pod there asks for it (docs/manifest.md, "On demand").</summary>
    public bool OnDemand { get; init; }

    /// <summary>How long an on-demand model stays after its last use (a request, or a look that found it pinned).</summary>
    public TimeSpan KeepAfterLastUse { get; init; } = DefaultKeepAfterLastUse;

    public static readonly TimeSpan DefaultKeepAfterLastUse = TimeSpan.FromHours(24);

    /// <summary>The node's labels are needed to decide.</summary>
    public bool NeedsLabels => Selector is not null;

    /// <summary>Which node keeps it, as status says it: <c>nodes gpu-*</c>, <c>label gpu=a100</c>, both, or <c>every node</c>.</summary>
    public string Rule
    {
        get
        {
            var parts = new List<string>();
            if (Nodes.Count > 0)
            {
                parts.Add($"nodes {string.Join(", ", Nodes)}");
            }

            if (Selector is { } s)
            {
                parts.Add(s.Text);
            }

            var where = parts.Count == 0 ? EveryNode : string.Join(" and ", parts);
            return OnDemand ? $"on demand, {where}" : where;
        }
    }
}

/// <summary>A label selector as Kubernetes writes it: every <c>matchLabels</c> pair and every expression must hold.</summary>
public sealed record NodeSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<SelectorRequirement> MatchExpressions)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value) && MatchExpressions.All(e => e.Matches(labels));

    public string Text => string.Join(", ", MatchLabels.Select(p => $"label {p.Key}={p.Value}").Concat(MatchExpressions.Select(e => e.Text)));
}

/// <summary>One <c>matchExpressions</c> item: <c>In</c>, <c>NotIn</c>, <c>Exists</c>, <c>DoesNotExist</c>.</summary>
public sealed record SelectorRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public static readonly string[] Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    public bool Matches(IReadOnlyDictionary<string, string> labels) => Operator switch
    {
        "In" => labels.TryGetValue(Key, out var v) && Values.Contains(v),
        // As Kubernetes: NotIn also holds when the label is absent.
        "NotIn" => !labels.TryGetValue(Key, out var v) || !Values.Contains(v),
        "Exists" => labels.ContainsKey(Key),
        _ => !labels.ContainsKey(Key),
    };

    public string Text => Operator switch
    {
        "In" => $"label {Key} in ({string.Join(", ", Values)})",
        "NotIn" => $"label {Key} not in ({string.Join(", ", Values)})",
        "Exists" => $"label {Key}",
        _ => $"no label {Key}",
    };
}

using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Placement;

/// <summary>Whether a model is for this node: yes, no, or not known (labels needed and unknown; no node name).</summary>
internal enum PlacementVerdict
{
    Here,
    NotHere,
    Unknown,
}

/// <summary>One model's verdict and why, as status says it (docs/daemon.md, "Placement").</summary>
internal sealed record PlacementDecision(string Model, PlacementVerdict Verdict, string Why)
{
    public bool OnNode => Verdict == PlacementVerdict.Here;
}

/// <summary>The rules, pure: node name first (a name that does not match needs no labels), then the selector.</summary>
internal static class PlacementRules
{
    /// <param name="node">The node's name; null when neither --node nor MODELSYNC_NODE says it.</param>
    /// <param name="labels">The node's labels; null when they could not be read.</param>
    public static PlacementDecision Decide(string model, PlacementSpec? spec, string? node, IReadOnlyDictionary<string, string>? labels)
    {
        if (spec is null || (spec.Nodes.Count == 0 && spec.Selector is null))
        {
            return new(model, PlacementVerdict.Here, spec?.Rule ?? PlacementSpec.EveryNode);
        }

        if (node is null)
        {
            return new(model, PlacementVerdict.Unknown, $"{spec.Rule}: the node's name is not known (set --node or MODELSYNC_NODE)");
        }

        if (spec.Nodes.Count > 0 && !spec.Nodes.Any(g => NodeGlob.Matches(g, node)))
        {
            return new(model, PlacementVerdict.NotHere, $"not for this node ({spec.Rule})");
        }

        if (spec.Selector is not { } selector)
        {
            return new(model, PlacementVerdict.Here, spec.Rule);
        }

        if (labels is null)
        {
            return new(model, PlacementVerdict.Unknown, $"{spec.Rule}: the node's labels are not known");
        }

        return selector.Matches(labels)
            ? new(model, PlacementVerdict.Here, spec.Rule)
            : new(model, PlacementVerdict.NotHere, $"not for this node ({spec.Rule})");
    }
}

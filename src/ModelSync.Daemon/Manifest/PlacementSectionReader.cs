using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Manifest;

/// <summary>Reads <c>models[].placement</c> strictly, every problem at its FILE:LINE:COL (docs/manifest.md, "Placement").</summary>
internal static class PlacementSectionReader
{
    public static PlacementSpec? Read(MappingReader model)
    {
        if (model.Mapping("placement") is not { } m)
        {
            return null;
        }

        var nodes = ReadNodes(m);
        var selector = m.Mapping("nodeSelector") is { } s ? ReadSelector(s) : null;
        var labelNode = ReadBool(m, "labelNode");
        var onDemand = ReadBool(m, "onDemand") ?? false;
        var keep = m.Duration("keepAfterLastUse", positive: true);
        if (keep is not null && !onDemand)
        {
            m.Problems.Add(m.Get("keepAfterLastUse")!, m.Field("keepAfterLastUse"), "is only for an on-demand model: write onDemand: true, or leave keepAfterLastUse out");
        }

        m.ReportUnknownKeys();
        if (((YMapping)m.Node).Entries.Count == 0)
        {
            m.Problems.Add(m.Node, m.Path, "is empty: write nodes, nodeSelector, labelNode and/or onDemand, or leave placement out (every node)");
        }

        return new PlacementSpec
        {
            Nodes = nodes,
            Selector = selector,
            LabelNode = labelNode ?? false,
            OnDemand = onDemand,
            KeepAfterLastUse = keep ?? PlacementSpec.DefaultKeepAfterLastUse,
        };
    }

    private static List<string> ReadNodes(MappingReader m)
    {
        var nodes = new List<string>();
        if (m.StringList("nodes") is not { } list)
        {
            return nodes;
        }

        if (list.Count == 0 && m.Get("nodes") is { } empty)
        {
            m.Problems.Add(empty, m.Field("nodes"), "must list at least one node name or glob");
        }

        foreach (var (node, glob) in list)
        {
            if (!NodeGlob.IsValid(glob))
            {
                m.Problems.Add(node, m.Field("nodes"), $"must be a node name (lowercase a-z, 0-9, '-', '.', at most 253 characters) with '*' and '?' as wildcards, got '{glob}'");
                continue;
            }

            nodes.Add(glob);
        }

        return nodes;
    }

    private static NodeSelector ReadSelector(MappingReader s)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s.Mapping("matchLabels") is { } ml)
        {
            foreach (var (key, value) in ((YMapping)ml.Node).Entries)
            {
                var field = ml.Field(key.Value);
                if (LabelSyntax.KeyProblem(key.Value) is { } keyProblem)
                {
                    s.Problems.Add(key, field, keyProblem);
                }

                if (ScalarValues.AsString(value, field, s.Problems) is { } text)
                {
                    if (LabelSyntax.ValueProblem(text) is { } valueProblem)
                    {
                        s.Problems.Add(value, field, valueProblem);
                    }
                    else
                    {
                        labels[key.Value] = text;
                    }
                }
            }
        }

        var expressions = new List<SelectorRequirement>();
        if (s.Get("matchExpressions") is { } node)
        {
            if (node is not YSequence list)
            {
                s.Problems.Add(node, s.Field("matchExpressions"), $"must be a list, not {node.Kind}");
            }
            else
            {
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (MappingReader.AsMapping(list.Items[i], $"{s.Field("matchExpressions")}[{i}]", s.Problems) is { } e && ReadRequirement(e) is { } r)
                    {
                        expressions.Add(r);
                    }
                }
            }
        }

        s.ReportUnknownKeys();
        if (((YMapping)s.Node).Entries.Count == 0)
        {
            s.Problems.Add(s.Node, s.Path, "is empty: write matchLabels and/or matchExpressions (an empty selector would match every node: leave nodeSelector out)");
        }

        return new NodeSelector(labels, expressions);
    }

    private static SelectorRequirement? ReadRequirement(MappingReader e)
    {
        var key = e.String("key", required: true);
        if (key is not null && LabelSyntax.KeyProblem(key) is { } keyProblem)
        {
            e.Problems.Add(e.Get("key")!, e.Field("key"), keyProblem);
            key = null;
        }

        var op = e.String("operator", required: true);
        if (op is not null && !SelectorRequirement.Operators.Contains(op))
        {
            var near = SelectorRequirement.Operators.FirstOrDefault(o => string.Equals(o, op, StringComparison.OrdinalIgnoreCase));
            e.Problems.Add(e.Get("operator")!, e.Field("operator"),
                $"must be one of {string.Join(", ", SelectorRequirement.Operators)} (as Kubernetes writes them), got '{op}'{(near is null ? "" : $"; did you mean '{near}'?")}");
            op = null;
        }

        var values = new List<string>();
        foreach (var (node, value) in e.StringList("values") ?? [])
        {
            if (LabelSyntax.ValueProblem(value) is { } problem)
            {
                e.Problems.Add(node, e.Field("values"), problem);
            }

            values.Add(value);
        }

        e.ReportUnknownKeys();
        if (op is "In" or "NotIn" && values.Count == 0)
        {
            e.Problems.Add(e.Get("values") ?? e.Node, e.Field("values"), $"must list at least one value with operator {op}");
        }
        else if (op is "Exists" or "DoesNotExist" && e.Get("values") is { } given)
        {
            e.Problems.Add(given, e.Field("values"), $"must not be written with operator {op}");
        }

        return key is null || op is null ? null : new SelectorRequirement(key, op, values);
    }

    private static bool? ReadBool(MappingReader m, string key)
    {
        if (m.Get(key) is not { } node)
        {
            return null;
        }

        if (node is YScalar { IsPlain: true, Value: "true" or "false" } s)
        {
            return s.Value == "true";
        }

        m.Problems.Add(node, m.Field(key), $"must be true or false, got {(node is YScalar q ? $"'{q.Value}'" : node.Kind)}");
        return null;
    }
}

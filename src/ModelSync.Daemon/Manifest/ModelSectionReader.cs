using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Manifest;

/// <summary>The <c>models:</c> list: each model's name here, the rest by the source kind that reads it
/// (<see cref="ISourceSyntax.ReadModel"/>): the one whose scheme its <c>source:</c> starts with, or the kind of
/// models without <c>source:</c>.</summary>
internal static class ModelSectionReader
{
    public static List<ModelSpec> Read(YNode? node, ModelReading reading, ProblemList problems)
    {
        var models = new List<ModelSpec>();
        if (node is null)
        {
            return models;
        }

        if (node is not YSequence list)
        {
            problems.Add(node, "models", $"must be a list, not {node.Kind}");
            return models;
        }

        var firstByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (MappingReader.AsMapping(list.Items[i], "models", i, problems) is not { } m)
            {
                continue;
            }

            var model = ReadModel(m, reading);
            if (model.Name.Length > 0 && !firstByName.TryAdd(model.Name, i))
            {
                problems.Add(m.Get("name")!, m.Field("name"), $"duplicate model name '{model.Name}' (also models[{firstByName[model.Name]}])");
            }

            models.Add(model);
        }

        return models;
    }

    private static ModelSpec ReadModel(MappingReader m, ModelReading reading)
    {
        var name = m.String("name", required: true);
        if (name is not null && !Names.IsDns1123Label(name))
        {
            m.Problems.Add(m.Get("name")!, m.Field("name"),
                $"must be a DNS-1123 label (lowercase letters, digits and '-', alphanumeric at both ends, at most {Names.MaxNameLength} characters), got '{name}'");
        }

        // Read before the kind's model, whose end reports the keys nobody asked for.
        var placement = PlacementSectionReader.Read(m);
        var signature = SignatureSectionReader.Read(m, reading);
        return KindOf(m, reading.Kinds).ReadModel(m, name ?? "", reading) with { Placement = placement, Signature = signature };
    }

    /// <summary>The kind whose scheme the <c>source:</c> starts with; for a source no kind claims (or not a string)
    /// the first kind with schemes, which says what it expects; without <c>source:</c> the kind without schemes.</summary>
    private static ISourceSyntax KindOf(MappingReader m, IReadOnlyList<ISourceSyntax> kinds)
    {
        if (m.Get("source") is null)
        {
            return kinds.First(k => k.Schemes.Count == 0);
        }

        var text = m.String("source");
        return (text is null ? null : kinds.FirstOrDefault(k => k.Schemes.Any(s => text.StartsWith(s, StringComparison.Ordinal))))
            ?? kinds.First(k => k.Schemes.Count > 0);
    }
}

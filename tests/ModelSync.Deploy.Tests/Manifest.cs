using YamlDotNet.RepresentationModel;

namespace ModelSync.Deploy.Tests;

/// <summary>The parts of a models.yaml the deploy tests look at (the daemon owns full validation).</summary>
internal sealed record Manifest(string? StoreRoot, IReadOnlyList<(string Name, string Version)> Models)
{
    public static Manifest Parse(string yaml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string? storeRoot = null;
        if (root.Children.TryGetValue(new YamlScalarNode("store"), out var store) && store is YamlMappingNode storeMap
            && storeMap.Children.TryGetValue(new YamlScalarNode("root"), out var r))
        {
            storeRoot = ((YamlScalarNode)r).Value;
        }

        var models = new List<(string, string)>();
        if (root.Children.TryGetValue(new YamlScalarNode("models"), out var list))
        {
            foreach (var item in ((YamlSequenceNode)list).Children.Cast<YamlMappingNode>())
            {
                models.Add((Scalar(item, "name"), Scalar(item, "version")));
            }
        }

        return new Manifest(storeRoot, models);
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value ?? "" : "";
}

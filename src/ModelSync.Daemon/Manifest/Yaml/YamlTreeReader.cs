using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ModelSync.Daemon.Manifest.Yaml;

/// <summary>Parses one YAML document into a <see cref="YNode"/> tree, reporting structural problems.</summary>
internal sealed class YamlTreeReader(ProblemList problems)
{
    private const string StrTag = "tag:yaml.org,2002:str";
    private readonly Dictionary<string, YNode> anchors = new(StringComparer.Ordinal);

    /// <summary>The root node, or null when the text is empty or not valid YAML (problems say why).</summary>
    public YNode? Read(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                problems.Add(1, 1, "", "the manifest is empty");
                return null;
            }

            var root = ReadNode(parser);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var extra))
            {
                problems.Add((int)extra.Start.Line, (int)extra.Start.Column, "", "only one YAML document is allowed");
            }

            return root;
        }
        catch (YamlException e)
        {
            // The exception message repeats the marks; the inner message alone is the useful part.
            var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            var at = message.IndexOf("): ", StringComparison.Ordinal);
            problems.Add((int)e.Start.Line, (int)e.Start.Column, "", $"invalid YAML: {(at >= 0 ? message[(at + 3)..] : message)}");
            return null;
        }
    }

    private YNode ReadNode(IParser parser)
    {
        YNode node;
        AnchorName anchor;
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
        }
        else if (parser.TryConsume<Scalar>(out var scalar))
        {
            var plain = scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || scalar.Tag.Value != StrTag);
            node = new YScalar(scalar.Start, scalar.Value, plain);
            anchor = scalar.Anchor;
        }
        else if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser));
            }

            node = new YSequence(seqStart.Start, items);
            anchor = seqStart.Anchor;
        }
        else
        {
            var mapStart = parser.Consume<MappingStart>();
            var entries = new List<(YScalar, YNode)>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser);
                var value = ReadNode(parser);
                if (key is YScalar k)
                {
                    entries.Add((k, value));
                }
                else
                {
                    problems.Add(key.Line, key.Column, "", $"a key must be a plain string, not {key.Kind}");
                }
            }

            node = new YMapping(mapStart.Start, entries);
            anchor = mapStart.Anchor;
        }

        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }

        return node;
    }
}

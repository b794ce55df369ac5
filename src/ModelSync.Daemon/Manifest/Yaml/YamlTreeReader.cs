using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ModelSync.Daemon.Manifest.Yaml;

/// <summary>Parses one YAML document into a <see cref="YNode"/> tree, reporting structural problems.</summary>
internal sealed class YamlTreeReader(ProblemList problems)
{
    private const string StrTag = "tag:yaml.org,2002:str";

    /// <summary>Far above any real manifest (1 MiB of YAML without aliases is at most ~500k nodes), far below
    /// what a "billion laughs" alias bomb expands to; such a document is refused, never walked.</summary>
    public const long MaxExpandedNodes = 1_000_000;

    /// <summary>The manifest's own nesting is 5 levels; anything past this is not a manifest.</summary>
    public const int MaxDepth = 64;
    private readonly Dictionary<string, YNode> anchors = new(StringComparer.Ordinal);

    /// <summary>The root node, or null when the text is empty or not valid YAML (problems say why).</summary>
    public YNode? Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                problems.Add(1, 1, "", "the manifest is empty");
                return null;
            }

            var root = ReadNode(parser, depth: 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var extra))
            {
                problems.Add((int)extra.Start.Line, (int)extra.Start.Column, "", "only one YAML document is allowed");
            }

            return root;
        }
        catch (TooDeepException e)
        {
            problems.Add(Math.Max(1, (int)e.At.Line), Math.Max(1, (int)e.At.Column), "", $"nested more than {MaxDepth} levels deep; refused");
            return null;
        }
        catch (AliasBombException e)
        {
            problems.Add((int)e.At.Line, (int)e.At.Column, "", $"aliases expand this document to more than {MaxExpandedNodes:N0} nodes; refused as a YAML alias bomb");
            return null;
        }
        catch (YamlException e)
        {
            var (line, column) = ((int)e.Start.Line, (int)e.Start.Column);
            if (e.Message.Contains("tab", StringComparison.Ordinal) && FirstTabIndent(text) is { } tab)
            {
                // YamlDotNet points at the enclosing mapping; the offending tab is what needs fixing.
                (line, column) = tab;
            }

            problems.Add(line, column, "", $"invalid YAML: {e.Message}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this on some malformed input (e.g. an unclosed '[' at the end).
            var at = parser.Current?.End ?? Mark.Empty;
            problems.Add(Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column), "", "invalid YAML near here: the parser gave up (look for an unclosed bracket or quote)");
            return null;
        }
    }

    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    private YNode ReadNode(IParser parser, int depth)
    {
        if (depth > MaxDepth)
        {
            // 40 KB of '[' would otherwise overflow the stack and kill the process, not report a problem.
            throw new TooDeepException(parser.Current?.Start ?? Mark.Empty);
        }

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
                items.Add(ReadNode(parser, depth + 1));
            }

            var weight = 1L;
            foreach (var item in items)
            {
                weight += item.Weight;
            }

            node = new YSequence(seqStart.Start, items) { Weight = Expanded(seqStart.Start, weight) };
            anchor = seqStart.Anchor;
        }
        else
        {
            var mapStart = parser.Consume<MappingStart>();
            var entries = new List<(YScalar, YNode)>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, depth + 1);
                var value = ReadNode(parser, depth + 1);
                if (key is YScalar k)
                {
                    entries.Add((k, value));
                }
                else
                {
                    problems.Add(key.Line, key.Column, "", $"a key must be a plain string, not {key.Kind}");
                }
            }

            var weight = 1L;
            foreach (var (_, value) in entries)
            {
                weight += 1 + value.Weight;
            }

            node = new YMapping(mapStart.Start, entries) { Weight = Expanded(mapStart.Start, weight) };
            anchor = mapStart.Anchor;
        }

        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }

        return node;
    }

    private static long Expanded(Mark at, long weight) => weight <= MaxExpandedNodes
        ? weight
        : throw new AliasBombException(at);

    private sealed class AliasBombException(Mark at) : Exception
    {
        public Mark At { get; } = at;
    }

    private sealed class TooDeepException(Mark at) : Exception
    {
        public Mark At { get; } = at;
    }
}

using YamlDotNet.Core;

namespace ModelSync.Daemon.Manifest.Yaml;

/// <summary>
/// A minimal YAML node tree with the position of every node. Built from parser events rather than
/// YamlDotNet's YamlStream because YamlStream throws on the first duplicate key, and the manifest
/// contract is to report every problem at once.
/// </summary>
internal abstract class YNode(Mark start)
{
    public int Line { get; } = (int)start.Line;

    /// <summary>Nodes in this subtree with every alias expanded: what a consumer walking it would visit.</summary>
    public long Weight { get; init; } = 1;

    public int Column { get; } = (int)start.Column;

    public abstract string Kind { get; }
}

internal sealed class YScalar(Mark start, string value, bool isPlain) : YNode(start)
{
    public string Value { get; } = value;

    /// <summary>Unquoted, untagged: the only form YAML would read as a number or null.</summary>
    public bool IsPlain { get; } = isPlain;

    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Kind => IsNull ? "null" : "a scalar";
}

internal sealed class YMapping(Mark start, IReadOnlyList<(YScalar Key, YNode Value)> entries) : YNode(start)
{
    public IReadOnlyList<(YScalar Key, YNode Value)> Entries { get; } = entries;

    public override string Kind => "a mapping";
}

internal sealed class YSequence(Mark start, IReadOnlyList<YNode> items) : YNode(start)
{
    public IReadOnlyList<YNode> Items { get; } = items;

    public override string Kind => "a list";
}

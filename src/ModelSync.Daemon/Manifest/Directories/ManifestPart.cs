using System.Text.RegularExpressions;
using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Manifest.Directories;

/// <summary>One file of a manifest directory, parsed on its own: a mapping with any of <c>store</c>,
/// <c>sync</c> and <c>models</c>, its problems attributed to it.</summary>
internal sealed partial class ManifestPart
{
    private ManifestPart(string path, bool isNew, ProblemList problems, MappingReader? root, string text)
    {
        Path = path;
        IsNew = isNew;
        Problems = problems;
        Root = root;
        Text = text;
    }

    public string Path { get; }

    /// <summary>Not the content last in force (or none was): a cross-file conflict is laid on the new side.</summary>
    public bool IsNew { get; }

    public ProblemList Problems { get; }

    /// <summary>Null when the file is not a YAML mapping (its problems say why).</summary>
    public MappingReader? Root { get; }

    private string Text { get; }

    public static ManifestPart Parse(string path, byte[] bytes, bool isNew)
    {
        var problems = new ProblemList(path);
        if (bytes.Length > ManifestLoader.MaxBytes)
        {
            problems.Add(0, 0, "", $"the file is larger than {ByteText.Format(ManifestLoader.MaxBytes)}, the most a ConfigMap holds; it is not parsed");
            return new ManifestPart(path, isNew, problems, null, "");
        }

        using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
        var text = reader.ReadToEnd();
        var node = new YamlTreeReader(problems).Read(text);
        if (node is not null and not YMapping)
        {
            problems.Add(node, "", $"a manifest file must be a mapping with store, sync or models, not {node.Kind}");
        }

        return new ManifestPart(path, isNew, problems, node is YMapping map ? new MappingReader(map, "", problems) : null, text);
    }

    /// <summary>The key's own scalar (where a conflict is reported), or null when the file does not have it.</summary>
    public YScalar? Key(string key) =>
        Root?.Get(key) is null ? null : ((YMapping)Root.Node).Entries.First(e => e.Key.Value == key).Key;

    /// <summary>Whether the file has (or, when it is not YAML, seems to have) <c>store</c> or <c>sync</c>: such
    /// a file cannot be left out at start, where the daemon would run with settings nobody wrote.</summary>
    public bool HoldsSettings => Root is not null
        ? Key("store") is not null || Key("sync") is not null
        : SettingsLine().IsMatch(Text);

    /// <summary>Each model name the file writes, with its field and node; from the text when it is not YAML,
    /// so a model moving into a broken file is still known to be on its way.</summary>
    public IReadOnlyList<(string Name, string Field, YNode? At)> ModelNames()
    {
        if (Root is null)
        {
            return [.. NameLine().Matches(Text).Select(m => (m.Groups[1].Value, "", (YNode?)null))];
        }

        if (Root.Get("models") is not YSequence list)
        {
            return [];
        }

        var names = new List<(string, string, YNode?)>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i] is YMapping item && item.Entries.FirstOrDefault(e => e.Key.Value == "name").Value is YScalar { IsNull: false } name)
            {
                names.Add((name.Value, $"models[{i}].name", name));
            }
        }

        return names;
    }

    [GeneratedRegex(@"^(store|sync)\s*:", RegexOptions.Multiline)]
    private static partial Regex SettingsLine();

    [GeneratedRegex(@"^\s*-?\s*name\s*:\s*[""']?([a-z0-9][a-z0-9-]*)", RegexOptions.Multiline)]
    private static partial Regex NameLine();
}

using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Manifest;

/// <summary>
/// The manifest side of a source kind: the <c>source:</c> schemes it reads, the model keys it takes and its
/// <c>sync</c> keys, each problem reported at its line:col like the rest of the manifest. The loader is built
/// from the registered kinds (<c>Sources/SourceKinds</c>) and names none of them.
/// </summary>
internal interface ISourceSyntax
{
    /// <summary>The <c>source:</c> prefixes it reads (<c>s3://</c>); empty for the kind of models without <c>source:</c>.
    /// The first kind with schemes also reads a <c>source:</c> no kind claims, to say what is expected.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>Model keys it takes besides <c>name</c> and <c>source</c>: a model of another kind that writes one of
    /// them is told which sources take it.</summary>
    IReadOnlyList<string> ModelKeys { get; }

    /// <summary>The shared <c>sync</c> key after which its own keys are read, which is the order
    /// "expected one of" lists them in; <see cref="SyncSectionReader.LastSharedKey"/> for most.</summary>
    string SettingsAfter => SyncSectionReader.LastSharedKey;

    /// <summary>Reads its keys of the <c>sync:</c> section; null when it has none.</summary>
    SourceSettings? ReadSettings(MappingReader sync);

    /// <summary>Reads one model whose <c>name</c> (and <c>source</c>, when written) the loader already read.</summary>
    ModelSpec ReadModel(MappingReader m, string name, ModelReading reading);
}

/// <summary>What a kind reading a model may need besides the model: the sync settings and the other kinds.</summary>
internal sealed record ModelReading(SyncSettings Sync, IReadOnlyList<ISourceSyntax> Kinds)
{
    /// <summary>Reports each key written in <paramref name="m"/> that only other kinds take, naming them
    /// (<c>only with source: s3://...</c>).</summary>
    public void RefuseOtherKindsKeys(MappingReader m, ISourceSyntax self)
    {
        var foreign = Kinds.Where(k => k != self).SelectMany(k => k.ModelKeys).Distinct(StringComparer.Ordinal).Except(self.ModelKeys, StringComparer.Ordinal);
        foreach (var key in foreign)
        {
            if (m.Get(key) is { } node)
            {
                var schemes = Kinds.Where(k => k.ModelKeys.Contains(key, StringComparer.Ordinal) && k.Schemes.Count > 0).Select(k => k.Schemes[0] + "...").ToList();
                var named = schemes.Count == 1 ? schemes[0] : $"{string.Join(", ", schemes[..^1])} or {schemes[^1]}";
                m.Problems.Add(node, m.Field(key), $"only with source: {named}");
            }
        }
    }
}

namespace ModelSync.Daemon.Manifest.Directories;

/// <summary>
/// Each file's last good content, and the rule that applies a directory read against it: a file whose new
/// content is bad (or conflicts with another file) is held back at its last good content, or left out when it
/// has none, while every other file's change applies. When the problems lie in files that did not change (a
/// changed <c>sync</c> that another file's models no longer pass), every change of that read is held back.
/// A model that leaves one file for a file held back stays in force with its last entry until that file is
/// good, so a move between files never takes it off the node. The in-force set is always a set that
/// composed without a problem.
/// </summary>
internal sealed class LastGoodFiles(IReadOnlyDictionary<string, byte[]>? inForce = null)
{
    private readonly Dictionary<string, byte[]> _good = inForce is null ? new(StringComparer.Ordinal) : new(inForce, StringComparer.Ordinal);

    /// <param name="requiredRoot">The root of the running daemon; null at start.</param>
    /// <param name="previous">The models in force before, to keep those moving into a file held back; null at start.</param>
    public FileSetOutcome Apply(DirectoryRead read, IReadOnlyList<ISourceSyntax> kinds, string? requiredRoot, IReadOnlyList<ModelSpec>? previous)
    {
        var problems = new List<ManifestProblem>();
        var candidates = Candidates(read, problems);
        var heldNames = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var settingsLeftOut = new List<string>();
        Composition composed;
        while (true)
        {
            composed = DirectoryComposer.Compose(
                read.Directory, [.. candidates.Where(c => c.Value.Bytes is not null).Select(c => (c.Key, c.Value.Bytes!, c.Value.IsNew))], kinds, requiredRoot);
            if (composed.Manifest is not null)
            {
                break;
            }

            var bad = composed.Problems.Select(p => p.File).Distinct().Where(f => candidates.TryGetValue(f, out var c) && c.IsNew).ToList();
            if (bad.Count == 0)
            {
                bad = Culprits(candidates, composed);
                if (bad.Count == 0)
                {
                    problems.AddRange(composed.Problems);
                    return new FileSetOutcome(null, problems, [], [], settingsLeftOut);
                }

                problems.AddRange(composed.Problems);
                problems.AddRange(bad.Select(f => new ManifestProblem(f, 0, 0, "",
                    $"{(candidates[f].Bytes is null ? "its removal is" : "its change is")} not applied: with it, the files have the problems listed")));
            }
            else
            {
                problems.AddRange(composed.Problems.Where(p => bad.Contains(p.File)));
            }

            foreach (var file in bad)
            {
                var part = composed.Parts.FirstOrDefault(p => p.Path == file);
                heldNames[file] = [.. part?.ModelNames().Select(n => n.Name) ?? []];
                if (_good.TryGetValue(file, out var good))
                {
                    candidates[file] = (good, false);
                }
                else
                {
                    candidates.Remove(file);
                    if (part?.HoldsSettings == true)
                    {
                        settingsLeftOut.Add(file);
                    }
                }
            }
        }

        var applied = candidates.Where(c => c.Value.IsNew).Select(c => c.Key).ToList();
        foreach (var file in applied)
        {
            if (candidates[file].Bytes is { } bytes)
            {
                _good[file] = bytes;
            }
            else
            {
                _good.Remove(file);
            }
        }

        var carried = Carry(composed.Manifest, previous, heldNames);
        var manifest = composed.Manifest with
        {
            Models = [.. composed.Manifest.Models, .. carried.Select(c => c.Model)],
            ContentSha256 = carried.Count == 0
                ? composed.Manifest.ContentSha256
                : ManifestLoader.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(composed.Manifest.ContentSha256 + string.Concat(carried.Select(c => "\n+" + c.Model.Name)))),
            FileSet = new ManifestFileSet(new Dictionary<string, byte[]>(_good, StringComparer.Ordinal), problems),
        };
        return new FileSetOutcome(manifest, problems, applied, [.. carried.Select(c => (c.Model.Name, c.File))], settingsLeftOut);
    }

    /// <summary>When the problems lie in files that did not change: the changed files that hold settings (what
    /// another file's models are read against) when any did, else every changed file.</summary>
    private List<string> Culprits(SortedDictionary<string, (byte[]? Bytes, bool IsNew)> candidates, Composition composed)
    {
        var changed = candidates.Where(c => c.Value.IsNew).Select(c => c.Key).ToList();
        var settings = changed.Where(f => candidates[f].Bytes is null
            || composed.Parts.FirstOrDefault(p => p.Path == f)?.HoldsSettings == true
            || (_good.TryGetValue(f, out var good) && ManifestPart.Parse(f, good, false).HoldsSettings)).ToList();
        return settings.Count > 0 ? settings : changed;
    }

    /// <summary>Every file read, marked new when it differs from its last good content; a file that went away is a
    /// new (empty) candidate, so that its removal can be held back too; one that cannot be read stays as it was.</summary>
    private SortedDictionary<string, (byte[]? Bytes, bool IsNew)> Candidates(DirectoryRead read, List<ManifestProblem> problems)
    {
        var candidates = new SortedDictionary<string, (byte[]? Bytes, bool IsNew)>(StringComparer.Ordinal);
        if (read.Error is not null)
        {
            problems.Add(new ManifestProblem(read.Directory, 0, 0, "", read.Error));
            foreach (var (path, bytes) in _good)
            {
                candidates[path] = (bytes, false);
            }

            return candidates;
        }

        foreach (var file in read.Files)
        {
            if (file.Bytes is null)
            {
                problems.Add(new ManifestProblem(file.Path, 0, 0, "", $"cannot read the file: {file.ReadError}"));
                if (_good.TryGetValue(file.Path, out var last))
                {
                    candidates[file.Path] = (last, false);
                }

                continue;
            }

            var isNew = !_good.TryGetValue(file.Path, out var good) || !good.AsSpan().SequenceEqual(file.Bytes);
            candidates[file.Path] = (file.Bytes, isNew);
        }

        foreach (var gone in _good.Keys.Where(p => !candidates.ContainsKey(p)).ToList())
        {
            candidates[gone] = (null, true);
        }

        return candidates;
    }

    private static List<(ModelSpec Model, string File)> Carry(ModelManifest now, IReadOnlyList<ModelSpec>? previous, Dictionary<string, IReadOnlyList<string>> heldNames)
    {
        if (previous is null || heldNames.Count == 0)
        {
            return [];
        }

        var names = now.Models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        return [.. previous
            .Where(m => !names.Contains(m.Name))
            .Select(m => (Model: m, File: heldNames.FirstOrDefault(h => h.Value.Contains(m.Name, StringComparer.Ordinal)).Key))
            .Where(c => c.File is not null)];
    }
}

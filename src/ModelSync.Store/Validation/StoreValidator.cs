using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;

namespace ModelSync.Store.Validation;

/// <summary>
/// Checks an inventory against the disk and returns every problem found, never only the first.
/// Nothing the inventory says is trusted: paths are resolved under the root without following symlinks.
/// </summary>
public static class StoreValidator
{
    public static ValidationReport Validate(
        StoreLayout layout,
        StoreInventory inventory,
        IReadOnlyList<ModelRequirement>? requirements,
        VerifyMode mode,
        CancellationToken cancellationToken = default,
        bool requireSigned = false) =>
        Validate(layout, inventory, requirements, mode, cancellationToken, requireSigned, quickLook: true);

    /// <param name="quickLook">False looks at everything by path only: what the tests compare the quick look's
    /// findings with.</param>
    internal static ValidationReport Validate(
        StoreLayout layout,
        StoreInventory inventory,
        IReadOnlyList<ModelRequirement>? requirements,
        VerifyMode mode,
        CancellationToken cancellationToken,
        bool requireSigned,
        bool quickLook)
    {
        requirements ??= [.. inventory.Models.Select(m => new ModelRequirement(m.Name, null))];
        var checks = new List<ModelCheck>(requirements.Count);
        // Full mode opens and hashes every file by path anyway: the handles only speed up the size look.
        using var look = mode == VerifyMode.Size && quickLook ? HandleLook.Open(layout) : null;
        var entries = ByName(inventory);
        foreach (var requirement in requirements)
        {
            checks.Add(Check(layout, look, inventory, requirement.Name is { } key ? entries.GetValueOrDefault(key) : inventory.Find(requirement.Name!), requirement, mode, cancellationToken, requireSigned));
        }

        return new ValidationReport(checks);
    }

    /// <summary>The entries by name, the first of a name winning as <see cref="StoreInventory.Find"/>'s does: one
    /// lookup per requirement instead of a scan of the inventory (a million comparisons at 1,000 models).</summary>
    private static Dictionary<string, ModelEntry> ByName(StoreInventory inventory)
    {
        var entries = new Dictionary<string, ModelEntry>(inventory.Models.Count, StringComparer.Ordinal);
        foreach (var entry in inventory.Models)
        {
            if (entry.Name is not null)
            {
                entries.TryAdd(entry.Name, entry);
            }
        }

        return entries;
    }

    private static ModelCheck Check(StoreLayout layout, HandleLook? look, StoreInventory inventory, ModelEntry? found, ModelRequirement requirement, VerifyMode mode, CancellationToken ct, bool requireSigned)
    {
        var name = requirement.Name;
        if (found is not { } entry)
        {
            // A typo in a pod spec (embed-smal) waits for a model no manifest will ever list: name the likely one.
            var near = Spelling.Nearest(name, inventory.Models.Select(m => m.Name));
            return new(requirement, null, null, [new(name, null, ProblemKind.NotInInventory, near is null ? "not in the inventory" : $"not in the inventory; did you mean {near}?")]);
        }

        // A pinned version must be the one named; otherwise the version that is usable right now wins:
        // the new one once Ready, else the previous one that stays current while the new one downloads.
        var wantsCurrent = requirement.Version is null || requirement.Version == entry.Version;
        if (wantsCurrent && entry.State == ModelState.Ready && entry.Path is not null && (!requireSigned || entry.Signature is not null))
        {
            var problems = CheckFiles(layout, look, name, entry.Version, entry.Path, entry.Files, mode, ct);
            return new(requirement, entry, problems.Count == 0 ? entry.Version : null, problems);
        }

        // A previous copy of the very version being re-published holds content the manifest no longer
        // describes: good enough for "any version", not for a pin on that version.
        var previousServes = entry.Previous is { } p && (!requireSigned || p.Signature is not null)
            && (requirement.Version is null || (requirement.Version == p.Version && p.Version != entry.Version));
        if (previousServes && entry.Previous is { } previous)
        {
            var problems = CheckFiles(layout, look, name, previous.Version, previous.Path, previous.Files, mode, ct);
            return new(requirement, entry, problems.Count == 0 ? previous.Version : null, problems) { FromPrevious = true };
        }

        if (requireSigned && entry.State == ModelState.Ready && wantsCurrent)
        {
            return new(requirement, entry, null, [new(name, null, ProblemKind.NotReady, $"{entry.Version} has no verified model signature (required: --require-signed); add a signature block to its manifest entry")]);
        }

        var state = requirement.Version is not null && requirement.Version != entry.Version
            ? $"version {requirement.Version} is not in the inventory (it has {entry.Version}, {entry.State})"
            : $"{entry.Version} is {entry.State}" + (entry.Error is { } e ? $": {e.Reason}: {e.Message}" : "");
        return new(requirement, entry, null, [new(name, null, ProblemKind.NotReady, state)]);
    }

    private static List<ValidationProblem> CheckFiles(StoreLayout layout, HandleLook? look, string name, string version, string modelPath, IReadOnlyList<FileEntry> files, VerifyMode mode, CancellationToken ct)
    {
        var problems = new List<ValidationProblem>();
        // The inventory only points; the version's own marker vouches. So the path must be this version's
        // directory, and its marker must name it and list the very files the inventory lists.
        var expectedPath = StoreLayout.VersionRelativePath(name, version);
        if (modelPath != expectedPath)
        {
            problems.Add(new(name, null, ProblemKind.UnsafePath, $"path '{modelPath}' is not {expectedPath}"));
            return problems;
        }

        // A version directory the quick look opened has no symlink on its way, which is all the path look checks.
        using var handle = look?.Version(modelPath);
        string? pathProblem = null;
        var modelDir = handle is not null ? Path.Join(layout.Root, modelPath) : SafePath.Resolve(layout.Root, modelPath, out pathProblem);
        if (modelDir is null)
        {
            problems.Add(new(name, null, ProblemKind.UnsafePath, pathProblem!));
            return problems;
        }

        // The quick match vouches for a marker as the daemon writes it; any other is parsed to decide and say why.
        var markerProblem = handle is not null && look!.TryReadMarker(handle, out var json)
            ? MarkerMatch.Vouches(json, name, version, files) ? null : MarkerMismatch(MarkerFile.TryParse(json), name, version, files)
            : MarkerMismatch(MarkerFile.TryRead(modelDir), name, version, files);
        if (markerProblem is not null)
        {
            problems.Add(new(name, null, ProblemKind.MarkerMissing, $"{modelPath}: {markerProblem}"));
        }

        if (files.Count == 0)
        {
            problems.Add(new(name, null, ProblemKind.FileMissing, "the inventory lists no files"));
        }

        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            if (handle?.RegularFileSize(file.Path) is { } size && size == file.Size)
            {
                continue;
            }

            if (FileCheck.Check(modelDir, file, mode, (path, kind) => FileHasher.Hash(path, kind, ct)) is { } problem)
            {
                problems.Add(new ValidationProblem(name, file.Path, problem.Kind, problem.Message));
            }
        }

        return problems;
    }

    private static string? MarkerMismatch(ModelMarker? marker, string name, string version, IReadOnlyList<FileEntry> files)
    {
        if (marker is null)
        {
            return $"no readable {StoreLayout.MarkerFileName}: not a published version";
        }

        if (marker.Name != name || marker.Version != version)
        {
            return $"its marker is for {marker.Name}@{marker.Version}";
        }

        return marker.Lists(files) ? null : "the inventory's file list differs from what its marker says was published";
    }
}

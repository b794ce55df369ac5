using System.Text.RegularExpressions;
using ModelSync.Daemon.Sources.Hub;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.HubView;

/// <summary>
/// What <c>hub/</c> must be, derived from disk alone: every published version (marker present, naming its own
/// model and version) whose source is <c>hf://</c>. Derived, never remembered, so a GC, a condemned version, a
/// rebuilt inventory or a tampered view all come out right on the next refresh.
/// </summary>
internal static partial class HubViewPlanner
{
    public static HubViewPlan Plan(StoreLayout layout)
    {
        var skipped = new List<HubViewSkip>();
        var versions = RealDirectories.Below(layout.ModelsDir).SelectMany(m => VersionsOf(layout, m.Name, skipped, MarkerFile.TryRead)).ToList();
        return new HubViewPlan(PlanRepos(versions), skipped);
    }

    /// <summary>The repositories <paramref name="versions"/> make (every version of each repository must be given).</summary>
    public static IReadOnlyList<HubRepoPlan> PlanRepos(IEnumerable<HubVersion> versions)
    {
        var ordered = versions
            // Current versions first, then the newest: a ref names what services are served now, and a blob shared
            // by two versions links into the current one, which GC never removes.
            .OrderByDescending(v => v.IsCurrent)
            .ThenByDescending(v => v.Marker.PublishedAt)
            .ThenBy(v => v.Marker.Name, StringComparer.Ordinal)
            .ToList();

        var repos = new List<HubRepoPlan>();
        foreach (var group in ordered.GroupBy(v => v.Folder, StringComparer.Ordinal))
        {
            var refs = new Dictionary<string, string>(StringComparer.Ordinal);
            var snapshots = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var v in group)
            {
                var commit = v.Marker.Version;
                // The hub client writes no ref for a commit asked for by its id; neither does the view.
                if (!CommitPattern().IsMatch(v.Hub.Revision))
                {
                    refs.TryAdd(v.Hub.Revision, commit);
                }

                // Two models of one repository at one commit (other include/exclude) share a snapshot: the union.
                var files = snapshots.TryGetValue(commit, out var known) ? new Dictionary<string, string>(known, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var file in v.Marker.Files)
                {
                    var etag = Etag(file)!;
                    files.TryAdd(file.Path, etag);
                    blobs.TryAdd(etag, $"../../../{StoreLayout.VersionRelativePath(v.Marker.Name, commit)}/{file.Path}");
                }

                snapshots[commit] = files;
            }

            repos.Add(new HubRepoPlan(group.Key, refs, snapshots, blobs));
        }

        return repos;
    }

    /// <summary><c>models--ORG--NAME</c>, as huggingface_hub's <c>repo_folder_name</c>.</summary>
    public static string Folder(string repo) => "models--" + repo.Replace("/", "--", StringComparison.Ordinal);

    /// <summary>The published hub versions of one model (none when <c>models/&lt;name&gt;</c> is not a real directory).</summary>
    /// <param name="readMarker">Reads a version directory's marker (the daemon's <c>MarkerCache</c> reads an unchanged one once).</param>
    public static IReadOnlyList<HubVersion> VersionsOf(StoreLayout layout, string name, List<HubViewSkip> skipped, Func<string, ModelMarker?> readMarker)
    {
        var found = new List<HubVersion>();
        var modelDir = layout.ModelDir(name);
        var current = CurrentLink.Read(layout, name);
        foreach (var versionDir in RealDirectories.Below(modelDir))
        {
            var marker = readMarker(versionDir.FullName);
            if (marker is not { Source: { } source } || !source.StartsWith(HubReference.Scheme, StringComparison.Ordinal)
                || marker.Name != name || marker.Version != versionDir.Name)
            {
                continue; // not published (condemned, half removed), or not from a hub
            }

            if (Why(marker, source, out var hub) is { } why)
            {
                skipped.Add(new HubViewSkip($"{marker.Name}@{marker.Version}", why));
                continue;
            }

            found.Add(new HubVersion(marker, hub!, current == marker.Version, Folder(hub!.Repo)));
        }

        return found;
    }

    /// <summary>Markers are untrusted input: every name that becomes a path of the view is checked again.</summary>
    private static string? Why(ModelMarker marker, string source, out HubReference? hub)
    {
        var query = source.IndexOf('?', StringComparison.Ordinal);
        if (HubReference.TryParse(query < 0 ? source : source[..query], out hub) is { } bad)
        {
            return $"source {source}: {bad}";
        }

        if (hub!.Repo.Split('/').Any(s => SafePath.CheckRelative(s) is not null || s.StartsWith('.')) || SafePath.CheckRelative(hub.Revision) is not null)
        {
            return $"source {source} does not make safe path segments";
        }

        if (!CommitPattern().IsMatch(marker.Version))
        {
            return $"version {marker.Version} is not a commit id";
        }

        if (marker.Files.FirstOrDefault(f => SafePath.CheckRelative(f.Path) is not null) is { } unsafePath)
        {
            return $"unsafe path '{unsafePath.Path}'";
        }

        // A snapshot missing a file would load as a broken model; none is clearer ("not in the cache").
        return marker.Files.FirstOrDefault(f => Etag(f) is null) is { } unnamed
            ? $"'{unnamed.Path}' has no hub digest in the marker (published before markers kept git blob ids)"
            : null;
    }

    /// <summary>What the hub names a file by: the git blob id of a file kept in git, else the LFS sha256.</summary>
    private static string? Etag(FileEntry file) =>
        (file.GitBlobSha1 ?? file.Sha256) is { } etag && EtagPattern().IsMatch(etag) ? etag : null;

    [GeneratedRegex("^[0-9a-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitPattern();

    /// <summary>A git blob id (40 hex) or an LFS sha256 (64 hex).</summary>
    [GeneratedRegex("^(?:[0-9a-f]{40}|[0-9a-f]{64})$", RegexOptions.CultureInvariant)]
    private static partial Regex EtagPattern();
}

/// <summary>A published version from the hub, as the view shows it: in <paramref name="Folder"/>'s repository.</summary>
internal sealed record HubVersion(ModelMarker Marker, HubReference Hub, bool IsCurrent, string Folder);

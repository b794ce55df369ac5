using System.Text;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.HubView;

/// <summary>
/// Makes <c>hub/</c> match <see cref="HubViewPlanner"/>: the Hugging Face cache layout, links only, pointing into the
/// immutable version directories (docs/store-format.md, "The hub view"). Order per repository, so a reader always
/// finds what a ref names: blobs, then each snapshot (built aside and renamed in whole), then the refs (atomic
/// replace), then what no version needs any more. Called by the one writer after every change of <c>models/</c>
/// or <c>current/</c>; a failure is logged and the next refresh, derived from disk again, repairs it.
/// </summary>
internal sealed class HubViewWriter(ILogger<HubViewWriter> logger, MarkerCache? markers = null)
{
    private const string TempDirName = ".modelsync-tmp";

    // Models publish concurrently within a pass; one refresh at a time sees and writes a consistent view.
    private readonly Lock _serial = new();

    // Refreshed after every model of every pass: a version left out is said once per writer, not per pass.
    private readonly HashSet<HubViewSkip> _skipsLogged = [];

    // The hub versions of every model as the last refresh derived them (null until a whole refresh): a refresh for a
    // few models rederives those and rewrites only the repositories they were or are in.
    private Dictionary<string, IReadOnlyList<HubVersion>>? _byModel;
    private string? _root;

    /// <summary>The store's change signal with <c>hub/</c> subscribed to it: what every composition root makes.</summary>
    /// <param name="markers">The daemon's marker cache, when it has one: a whole refresh then reads only changed markers.</param>
    public static StoreChanges Following(ILoggerFactory loggers, MarkerCache? markers = null)
    {
        var changes = new StoreChanges();
        var writer = new HubViewWriter(loggers.CreateLogger<HubViewWriter>(), markers);
        changes.Subscribe((layout, models) => writer.Refresh(layout, models));
        return changes;
    }

    /// <summary>How many models' versions the refreshes so far rederived (a seam for tests: a pass rederives only what it changed).</summary>
    public int RefreshedModels { get; private set; }

    public void Refresh(StoreLayout layout) => Refresh(layout, null);

    /// <param name="models">Only these models changed; null: rederive the whole view.</param>
    public void Refresh(StoreLayout layout, IReadOnlyCollection<string>? models)
    {
        lock (_serial)
        {
            try
            {
                if (models is null || _byModel is null || _root != layout.Root)
                {
                    RefreshAll(layout);
                }
                else
                {
                    RefreshModels(layout, models);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _byModel = null; // derived from disk again, whole, at the next refresh
                Log.HubViewFailed(logger, ex, layout.HubDir);
            }
        }
    }

    private void RefreshAll(StoreLayout layout)
    {
        var skipped = new List<HubViewSkip>();
        var byModel = new Dictionary<string, IReadOnlyList<HubVersion>>(StringComparer.Ordinal);
        foreach (var model in RealDirectories.Below(layout.ModelsDir))
        {
            RefreshedModels++;
            if (HubViewPlanner.VersionsOf(layout, model.Name, skipped, ReadMarker) is { Count: > 0 } versions)
            {
                byModel[model.Name] = versions;
            }
        }

        LogSkips(skipped);
        Apply(layout, HubViewPlanner.PlanRepos(byModel.Values.SelectMany(v => v)), null, logger);
        (_byModel, _root) = (byModel, layout.Root);
    }

    private void RefreshModels(StoreLayout layout, IReadOnlyCollection<string> models)
    {
        var skipped = new List<HubViewSkip>();
        var affected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in models)
        {
            RefreshedModels++;
            var versions = HubViewPlanner.VersionsOf(layout, name, skipped, ReadMarker);
            if (_byModel!.Remove(name, out var old))
            {
                affected.UnionWith(old.Select(v => v.Folder));
            }

            if (versions.Count > 0)
            {
                _byModel[name] = versions;
                affected.UnionWith(versions.Select(v => v.Folder));
            }
        }

        LogSkips(skipped);
        if (affected.Count > 0)
        {
            Apply(layout, HubViewPlanner.PlanRepos(_byModel!.Values.SelectMany(v => v).Where(v => affected.Contains(v.Folder))), affected, logger);
        }
    }

    private ModelMarker? ReadMarker(string versionDir) => markers is null ? MarkerFile.TryRead(versionDir) : markers.Marker(versionDir);

    private void LogSkips(List<HubViewSkip> skipped)
    {
        foreach (var skip in skipped.Where(_skipsLogged.Add))
        {
            Log.HubViewSkipped(logger, skip.What, skip.Why);
        }
    }

    /// <param name="only">The repository folders to make match (the others are left as they are); null: all of <c>hub/</c>.</param>
    private static void Apply(StoreLayout layout, IReadOnlyList<HubRepoPlan> repos, IReadOnlySet<string>? only, ILogger logger)
    {
        var hub = layout.HubDir;
        if (repos.Count == 0 && !Path.Exists(hub) && new FileInfo(hub).LinkTarget is null)
        {
            return; // a store without hf:// models gets no hub/ at all
        }

        HubTree.EnsureDirectory(hub);
        foreach (var repo in repos)
        {
            ApplyRepo(Path.Combine(hub, repo.Folder), repo, logger);
        }

        var stale = only is null
            ? HubTree.Entries(hub).Where(e => !repos.Any(r => r.Folder == e.Name)).Select(e => e.Name)
            : only.Where(f => !repos.Any(r => r.Folder == f) && (Path.Exists(Path.Combine(hub, f)) || new FileInfo(Path.Combine(hub, f)).LinkTarget is not null));
        foreach (var name in stale.ToList())
        {
            TreeRemover.Remove(Path.Combine(hub, name));
            Log.HubViewRemoved(logger, $"{StoreLayout.HubDirName}/{name}");
        }

        Durable.FsyncDirectory(hub);
    }

    private static void ApplyRepo(string repoDir, HubRepoPlan repo, ILogger logger)
    {
        var (blobs, snapshots, refs, temp) = (Path.Combine(repoDir, "blobs"), Path.Combine(repoDir, "snapshots"), Path.Combine(repoDir, "refs"), Path.Combine(repoDir, TempDirName));
        HubTree.EnsureDirectory(repoDir);
        foreach (var dir in (string[])[blobs, snapshots, refs])
        {
            HubTree.EnsureDirectory(dir);
        }

        foreach (var (etag, target) in repo.Blobs)
        {
            HubTree.EnsureLink(Path.Combine(blobs, etag), target);
        }

        Durable.FsyncDirectory(blobs);
        foreach (var (commit, files) in repo.Snapshots)
        {
            var links = files.ToDictionary(f => f.Key, f => SnapshotLink(f.Key, f.Value), StringComparer.Ordinal);
            var dir = Path.Combine(snapshots, commit);
            if (HubTree.Holds(dir, links))
            {
                continue;
            }

            // Built aside, outside snapshots/ (a client lists every folder there as a revision), then moved in whole:
            // a reader finds no snapshot or a complete one. An existing one that differs (a repair) is exchanged.
            HubTree.EnsureDirectory(temp);
            var built = Path.Combine(temp, Guid.NewGuid().ToString("N"));
            HubTree.Build(built, links);
            HubTree.MoveIn(built, dir);
            Log.HubViewSnapshot(logger, repo.Folder, commit, links.Count);
        }

        Durable.FsyncDirectory(snapshots);
        foreach (var (revision, commit) in repo.Refs)
        {
            var path = Path.Combine(refs, revision);
            if (HubTree.ReadRef(path) != commit)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // No newline: the clients compare the file's text with the snapshot's folder name.
                AtomicFile.WriteAllBytes(path, Encoding.ASCII.GetBytes(commit));
                Log.HubViewRefSwitched(logger, repo.Folder, revision, commit);
            }
        }

        var keepRefs = repo.Refs.Keys.Select(r => Path.Combine(refs, r)).ToHashSet(StringComparer.Ordinal);
        HubTree.RemoveFilesExcept(refs, keepRefs);
        HubTree.RemoveEntriesExcept(snapshots, repo.Snapshots.Keys);
        HubTree.RemoveEntriesExcept(blobs, repo.Blobs.Keys);
        HubTree.RemoveEntriesExcept(repoDir, ["blobs", "snapshots", "refs"]);
    }

    /// <summary><c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> → <c>../../blobs/&lt;etag&gt;</c>, one more <c>../</c> per subfolder.</summary>
    internal static string SnapshotLink(string path, string etag) =>
        string.Concat(Enumerable.Repeat("../", 2 + path.Count(c => c == '/'))) + "blobs/" + etag;
}

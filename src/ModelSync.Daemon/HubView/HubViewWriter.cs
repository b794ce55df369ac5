using System.Text;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Logging;
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
internal sealed class HubViewWriter(ILogger<HubViewWriter> logger)
{
    private const string TempDirName = ".modelsync-tmp";

    // Models publish concurrently within a pass; one refresh at a time sees and writes a consistent view.
    private readonly Lock _serial = new();

    // Refreshed after every model of every pass: a version left out is said once per writer, not per pass.
    private readonly HashSet<HubViewSkip> _skipsLogged = [];

    /// <summary>The store's change signal with <c>hub/</c> subscribed to it: what every composition root makes.</summary>
    public static StoreChanges Following(ILoggerFactory loggers)
    {
        var changes = new StoreChanges();
        changes.Subscribe(new HubViewWriter(loggers.CreateLogger<HubViewWriter>()).Refresh);
        return changes;
    }

    public void Refresh(StoreLayout layout)
    {
        lock (_serial)
        {
            try
            {
                var plan = HubViewPlanner.Plan(layout);
                foreach (var skip in plan.Skipped.Where(_skipsLogged.Add))
                {
                    Log.HubViewSkipped(logger, skip.What, skip.Why);
                }

                Apply(layout, plan, logger);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.HubViewFailed(logger, ex, layout.HubDir);
            }
        }
    }

    private static void Apply(StoreLayout layout, HubViewPlan plan, ILogger logger)
    {
        var hub = layout.HubDir;
        if (plan.Repos.Count == 0 && !Path.Exists(hub) && new FileInfo(hub).LinkTarget is null)
        {
            return; // a store without hf:// models gets no hub/ at all
        }

        HubTree.EnsureDirectory(hub);
        foreach (var repo in plan.Repos)
        {
            ApplyRepo(Path.Combine(hub, repo.Folder), repo, logger);
        }

        foreach (var stale in HubTree.Entries(hub).Where(e => !plan.Repos.Any(r => r.Folder == e.Name)))
        {
            TreeRemover.Remove(stale.FullName);
            Log.HubViewRemoved(logger, $"{StoreLayout.HubDirName}/{stale.Name}");
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

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Metrics;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Lifecycle;

/// <summary>
/// The one owner of every model's entry (docs/daemon.md, "A model's lifecycle"): each change is a named transition
/// that checks the state it starts from, and says what it did (log, failure policy, observers) here and nowhere
/// else. A refused transition changes nothing and returns false. Entries are built by <see cref="ModelEntries"/>;
/// <see cref="InventoryState"/> only keeps and writes them.
/// <code>
///   (none) ─► Planned(Pending) ─► Downloading ─► Published(Ready) ─► Corrupted(Failed) ─► Planned …
///                  └──────────────────┴──► Failed ─► RetryRequested ─► Planned …
/// </code>
/// </summary>
internal sealed class ModelLifecycle(InventoryState inventory, ISyncObserver observer, TimeProvider time, ILogger<ModelLifecycle> logger)
{
    /// <summary>The lifecycle of the store at <paramref name="layout"/>, from its inventory (read now: the caller holds
    /// the store lock).</summary>
    /// <param name="mode">What the writer is, for readers: <c>run</c>, <c>sync</c>, <c>verify</c>, <c>retry</c>.</param>
    public static ModelLifecycle Open(StoreLayout layout, string? node, string mode, TimeProvider time, ILoggerFactory loggers, ISyncObserver? observer = null) =>
        new(new InventoryState(layout, node, time, loggers.CreateLogger<InventoryState>(), mode), observer ?? NullSyncObserver.Instance, time, loggers.CreateLogger<ModelLifecycle>());

    /// <summary>Serializes a version's marker writes between a publication and a condemnation of the same version.</summary>
    public Lock VersionWrites { get; } = new();

    /// <summary>The entries as they are, for readers.</summary>
    public IInventoryReader Entries => inventory;

    public ModelEntry? Find(string name) => inventory.Find(name);

    public StoreInventory Snapshot() => inventory.Snapshot();

    /// <summary>Beats the writer's heartbeat while nothing else is written; dispose to stop.</summary>
    public ITimer StartHeartbeat() => inventory.StartHeartbeat();

    /// <summary>The writer stops (SIGTERM, the end of a verb): Downloading → Pending with the progress reached,
    /// <c>writer.stoppedAt</c> set, written at once.</summary>
    public void Stop() => inventory.Stop();

    /// <summary>A version is about to be reused or fetched: Pending, from any state (a crash may have left it
    /// Downloading). The failure record rides along until the model is Ready.</summary>
    public void Planned(string name, string version, string? source, long bytes, PreviousVersion? previous) =>
        inventory.Set(ModelEntries.Pending(name, version, source, bytes, previous, inventory.Find(name)?.Failure));

    /// <summary>Bytes start to move: Pending → Downloading, of the version planned.</summary>
    public bool Downloading(string name, string version, ModelProgress progress) =>
        Change(name, nameof(Downloading), version, e => e.State == ModelState.Pending && e.Version == version, e => ModelEntries.Downloading(e, progress));

    /// <summary>Progress of a Pending or Downloading model; written with the next write, at most every 2 s alone.</summary>
    public void Progress(string name, ModelProgress progress) => inventory.ReportProgress(name, progress);

    /// <summary>A file's attempt failed and is tried again within the pass; the state stays Pending or Downloading.</summary>
    public bool RetryScheduled(string name, ModelError error) =>
        Change(name, nameof(RetryScheduled), null, e => e.State is ModelState.Pending or ModelState.Downloading, e => ModelEntries.Retrying(e, error));

    /// <summary>The planned version is published and current: Pending or Downloading → Ready.</summary>
    public bool Published(ModelMarker marker, TimeSpan took)
    {
        var done = Change(marker.Name, nameof(Published), marker.Version,
            e => e.State is ModelState.Pending or ModelState.Downloading && e.Version == marker.Version,
            _ => ModelEntries.Ready(marker, verifiedAt: marker.PublishedAt));
        if (done)
        {
            Log.ModelPublished(logger, marker.Name, marker.Version, marker.Bytes, took);
            observer.ModelDownloaded(marker.Name, marker.Bytes, took);
        }

        return done;
    }

    /// <summary>A published version stays (or becomes again) the Ready one, from any state: up to date, or its
    /// source cannot be asked. Written only when the entry says otherwise (a write per model per pass adds up).</summary>
    public void KeptReady(ModelMarker marker)
    {
        var known = inventory.Find(marker.Name);
        if (known is { State: ModelState.Ready, Error: null, Previous: null, Progress: null } && known.Version == marker.Version
            && known.Path == StoreLayout.VersionRelativePath(marker.Name, marker.Version) && known.ReadyAt == marker.PublishedAt)
        {
            return;
        }

        inventory.Set(ModelEntries.Ready(marker, known?.Version == marker.Version ? known.VerifiedAt : null));
    }

    /// <summary>The pass leaves the model short of Ready, from any state: logged, weighed by the failure policy
    /// (parked or backed off, docs/daemon.md "Failure policy"), counted, recorded with the version still usable.</summary>
    public async Task FailedAsync(FailedPass pass, FailurePolicy policy, CancellationToken ct)
    {
        var (name, reason) = (pass.Spec.Name, pass.Error.Reason.ToString());
        Log.ModelFailed(logger, name, pass.Version, reason, pass.Error.Message);
        var failure = await policy.RecordAsync(pass.Spec, pass.Version, pass.Error, pass.File, pass.BytesSpent, ct);
        observer.ModelFailed(name, pass.BytesSpent);
        inventory.Set(ModelEntries.Failed(name, pass.Version, pass.Source, pass.Bytes, pass.Previous, inventory.Find(name), reason, pass.Error.Message, pass.Error.File,
            attempts: null, failure));
    }

    /// <summary>A Ready version found damaged: Ready → Failed (Corrupted), and no entry offers it as previous any
    /// more. Refused when the entry is not that publication Ready (a check racing a switch or a repair).</summary>
    public bool Corrupted(string name, string version, DateTimeOffset? publishedAt, string message, string? file, DateTimeOffset nextRetryAt)
    {
        inventory.Update(name, e => ModelEntries.WithoutPrevious(e, version)); // unchanged (no write) unless offered
        return Change(name, nameof(Corrupted), version,
            e => e.State == ModelState.Ready && e.Version == version && (publishedAt is null || e.ReadyAt == publishedAt),
            e => ModelEntries.Corrupted(e, version, publishedAt, message, file, nextRetryAt));
    }

    /// <summary>A Ready version checked whole: its <c>verifiedAt</c> moves.</summary>
    public bool Verified(string name, string version, DateTimeOffset at) =>
        Change(name, nameof(Verified), version, e => e.State == ModelState.Ready && e.Version == version, e => ModelEntries.Verified(e, version, at));

    /// <summary>An operator's retry, the one way to lift a backoff or a parking: Failed → Failed, due now, its
    /// failure record's passes and parking cleared (the bytes spent stay counted). Returns the models it applied to.</summary>
    public IReadOnlyList<string> RetryRequested(IReadOnlyCollection<string> names)
    {
        var now = time.GetUtcNow();
        var cleared = new List<string>();
        inventory.UpdateAll(entry =>
        {
            if (!names.Contains(entry.Name) || entry is not { State: ModelState.Failed, Error: { } error })
            {
                return entry;
            }

            cleared.Add(entry.Name);
            return ModelEntries.Retry(entry with { Error = error with { NextRetryAt = now } }, now);
        });
        return cleared;
    }

    /// <summary>The next pass is at <paramref name="at"/>: every Failed model says when it is tried again.</summary>
    public void NextPassAt(DateTimeOffset at) => inventory.UpdateAll(e => ModelEntries.NextPass(e, at));

    /// <summary>Entries of models no manifest wants any more go (their files are GC's).</summary>
    public void Retain(IReadOnlyCollection<string> names) => inventory.RetainOnly(names);

    /// <summary>Which models the manifest in force places on demand (their entries say so).</summary>
    public void OnDemand(Manifest.ModelManifest manifest) => inventory.OnDemand(manifest.OnDemandModels);

    /// <summary>Writes what changed now (the end of a pass, before a verb returns).</summary>
    public void Flush() => inventory.Flush();

    private bool Change(string name, string transition, string? version, Func<ModelEntry, bool> from, Func<ModelEntry, ModelEntry> to)
    {
        var applied = false;
        string? state = null;
        inventory.Update(name, e =>
        {
            if (!from(e))
            {
                state = e.State.ToString();
                return e;
            }

            applied = true;
            return to(e);
        });
        if (!applied)
        {
            Log.TransitionRefused(logger, name, transition, state ?? "(none)", version ?? "");
        }

        return applied;
    }
}

using ModelSync.Daemon.Http;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Hosting;

/// <summary>Reads everything the endpoints show, in one place. It lives with the host because that is
/// where the state is (manifest in force, loop status, the store session); the endpoints only see
/// <see cref="IDaemonView"/>. No inventory before the store lock: until then another writer owns it.</summary>
internal sealed class DaemonView(
    StoreLockHolder storeLock,
    ManifestInForce manifests,
    ReconcileStatus loop,
    LiveRates rates,
    StoreUsage usage,
    VersionsSnapshot versions,
    TimeProvider time,
    NodePlacement placement) : IDaemonView
{
    public StoreInventory? Inventory => storeLock.Session?.Lifecycle.Snapshot();

    public string? NotReady() => Readiness.Check(placement.Filter(manifests.Current), Inventory);

    public string? Unhealthy() => HealthPolicy.Check(loop.View(), manifests.Current.Sync, time.GetUtcNow());

    public void RefreshMetrics(DaemonMetrics metrics)
    {
        var inventory = Inventory;
        var last = loop.View().LastResult;
        var state = manifests.Snapshot();
        metrics.Refresh(
            inventory,
            usage.Read(state.Manifest.Store, inventory?.Generation),
            last is null ? null : new LastPass(last.FinishedAt, last.AllReady),
            new ManifestReloads(state.LoadedAt, state.LastFailure is not null, state.Rejections),
            versions.Read(state.Manifest.Store.Root).Count(v => v.Pinned));
    }

    /// <summary>This daemon while it holds the lock; before, whoever holds it (a setup Job's sync, or one that died).</summary>
    private WriterSection? Writer(string root, StoreInventory? ours, bool lockHeld)
    {
        var layout = new StoreLayout(root);
        var inventory = ours ?? InventoryFile.Read(layout).Inventory;
        if (inventory is null)
        {
            return null;
        }

        var check = lockHeld ? WriterCheck.Check(inventory, lockHeld: true, time.GetUtcNow()) : WriterCheck.Check(layout, inventory, time.GetUtcNow());
        var w = inventory.Writer;
        return new WriterSection(check.Liveness.ToString(), check.Frozen, check.Text, w?.Mode, w?.Pid, w?.Host, w?.HeartbeatAt);
    }

    public StatusDocument Status()
    {
        var state = manifests.Snapshot();
        var manifest = state.Manifest;
        var inventory = Inventory;
        var view = loop.View();
        var store = usage.Read(manifest.Store, inventory?.Generation);
        var failure = state.LastFailure;
        var notReady = Readiness.Check(placement.Filter(manifest), inventory);
        var unhealthy = HealthPolicy.Check(view, manifest.Sync, time.GetUtcNow());
        return new StatusDocument
        {
            Node = inventory?.Node,
            GeneratedAt = time.GetUtcNow(),
            Phase = !view.LockHeld ? "WaitingForLock" : view.InProgress ? "Reconciling" : "Idle",
            Ready = notReady is null,
            NotReady = notReady,
            Healthy = unhealthy is null,
            Unhealthy = unhealthy,
            Inventory = inventory,
            Rates = rates.Snapshot(),
            Reconcile = new ReconcileSection(
                view.InProgress,
                view.Passes,
                view.LastStartedAt,
                view.LastResult?.FinishedAt,
                view.LastResult?.Ready,
                view.LastResult?.Failed,
                view.LastResult?.AllReady,
                view.LastError,
                view.NextAt,
                manifest.Sync.Interval),
            Manifest = new ManifestSection(
                manifest.SourcePath,
                state.LoadedAt,
                [.. manifest.Models.Select(m => new ManifestModel(m.Name, m.Wanted, m.TotalBytes, m.Files.Count))],
                failure?.At,
                failure?.Problems ?? [],
                state.RestartRequired),
            Store = new StoreSection(store.Root, store.BytesUsed, store.CapacityBytes, store.ReserveBytes, store.FilesystemFreeBytes, store.FilesystemTotalBytes, manifest.Store.KeepVersions),
            Writer = Writer(store.Root, inventory, view.LockHeld),
            Versions = [.. versions.Read(store.Root).Select(v => new VersionSection(v.Model, v.Version, v.Current, v.Pinned, v.PublishedAt, v.LastUsed))],
            Placement = placement.View,
            Gc = view.LastGc is { } gc
                ? new GcSection(gc.At, [.. gc.Removed.Select(i => $"{i.What} ({i.Why})")], gc.Failures)
                : null,
        };
    }
}

using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Http;

/// <summary>Reads everything the endpoints show, in one place. The inventory is touched only once the
/// store lock is held: before that another writer owns it.</summary>
internal sealed class DaemonView(
    IServiceProvider services,
    StoreLockHolder storeLock,
    ManifestInForce manifests,
    ReconcileStatus loop,
    LiveRates rates,
    StoreUsage usage,
    TimeProvider time)
{
    public StoreInventory? Inventory => storeLock.IsHeld ? services.GetRequiredService<InventoryState>().Snapshot() : null;

    public string? NotReady() => Readiness.Check(manifests.Current, Inventory);

    public string? Unhealthy() => HealthPolicy.Check(loop.View(), manifests.Current.Sync, time.GetUtcNow());

    public void RefreshMetrics(DaemonMetrics metrics)
    {
        var inventory = Inventory;
        metrics.Refresh(inventory, usage.Read(manifests.Current.Store, inventory?.Generation), loop.View());
    }

    public StatusDocument Status()
    {
        var state = manifests.Snapshot();
        var manifest = state.Manifest;
        var inventory = Inventory;
        var view = loop.View();
        var store = usage.Read(manifest.Store, inventory?.Generation);
        var failure = state.LastFailure;
        var notReady = Readiness.Check(manifest, inventory);
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
            Gc = view.LastGc is { } gc
                ? new GcSection(gc.At, [.. gc.Removed.Select(i => $"{i.What} ({i.Why})")], gc.Failures)
                : null,
        };
    }
}

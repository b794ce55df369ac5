using ModelSync.Daemon.Lifecycle;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Hosting;

/// <summary>What holding the store lock entitles to: the store and its inventory. Only
/// <see cref="StoreLockHolder"/> makes one, after the lock is taken, because before that another writer
/// owns the inventory file and reading it would load a state about to change under us.</summary>
internal sealed record StoreSession(StoreLayout Layout, ModelLifecycle Lifecycle);

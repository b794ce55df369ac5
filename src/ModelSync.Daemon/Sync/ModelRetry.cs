using ModelSync.Daemon.Inventory;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// An operator's "try it again now" (<c>retry [MODEL]</c>), the one place a model's failure state is
/// cleared on request: a Failed entry is due at once (<c>error.nextRetryAt</c> = now, attempts kept for
/// the record), and the failure policy's parking and backoff go with it (<see cref="ModelEntries.Retry"/>,
/// docs/daemon.md "Failure policy"), so the caller's next reconcile fetches it. Returns the models that
/// were Failed and are now due.
/// </summary>
internal static class ModelRetry
{
    public static IReadOnlyList<string> Clear(InventoryState inventory, IReadOnlyCollection<string> models, DateTimeOffset now)
    {
        var cleared = new List<string>();
        inventory.UpdateAll(entry =>
        {
            if (!models.Contains(entry.Name) || entry is not { State: ModelState.Failed, Error: { } error })
            {
                return entry;
            }

            cleared.Add(entry.Name);
            return ModelEntries.Retry(entry with { Error = error with { NextRetryAt = now } }, now);
        });
        return cleared;
    }
}

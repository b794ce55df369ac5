using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Verify;

/// <summary>
/// What a found corruption does to the store, so that the next reconcile repairs it with no special case:
/// <list type="number">
/// <item>the version's marker (<c>.modelsync.json</c>) is deleted: the directory is no longer a published
/// version, so <c>Publisher.FindPublished</c> misses and <c>ModelSyncer</c> downloads it again into staging;
/// the publish then parks the damaged directory in trash and renames the good copy in, in one step.
/// Until then the damaged files stay where running pods have them open (no dangling <c>current</c> link);</item>
/// <item>the inventory entry becomes <c>Failed</c> with reason <c>Corrupted</c> and <c>nextRetryAt</c>, so the gate
/// stops passing it.</item>
/// </list>
/// Only an entry that is still Ready with the same version is condemned: a scrub racing a version switch
/// does not mark the new version for the old one's sake.
/// </summary>
internal static class CorruptionHandler
{
    /// <summary>
    /// Verifies one Ready model and records the outcome, the part the <c>verify</c> verb and the scheduled
    /// scrub share: a clean model gets <c>verifiedAt</c>, a corrupted one is condemned (see
    /// <see cref="MarkCorrupted"/>); each caller only reports.
    /// </summary>
    public static async Task<VerifyOutcome> VerifyAndRecordAsync(
        StoreLayout layout, InventoryState inventory, ModelEntry entry, BandwidthLimiter limiter, DateTimeOffset now, CancellationToken ct)
    {
        var problems = await ModelVerifier.VerifyAsync(layout.Root, entry, limiter, ct);
        var corrupt = problems.Where(p => p.IsCorruption).ToList();
        if (problems.Count == 0)
        {
            MarkVerified(inventory, entry, now);
        }

        var marked = corrupt.Count > 0 && MarkCorrupted(layout, inventory, entry, corrupt, now);
        return new VerifyOutcome(problems, corrupt, marked);
    }

    public static bool MarkCorrupted(StoreLayout layout, InventoryState inventory, ModelEntry checkedEntry, IReadOnlyList<VerifyProblem> problems, DateTimeOffset nextRetryAt)
    {
        var current = inventory.Find(checkedEntry.Name);
        if (current is null || current.Version != checkedEntry.Version || current.State != ModelState.Ready)
        {
            return false;
        }

        // Resolved without following symlinks: a planted models/<name> link must not make this delete a file outside the store.
        var marker = SafePath.Resolve(layout.Root, $"{StoreLayout.VersionRelativePath(checkedEntry.Name, checkedEntry.Version)}/{StoreLayout.MarkerFileName}", out _);
        if (marker is not null && File.Exists(marker))
        {
            File.Delete(marker);
            Durable.FsyncDirectory(layout.VersionDir(checkedEntry.Name, checkedEntry.Version));
        }

        var message = problems.Count == 1 ? problems[0].ToString() : $"{problems.Count} files damaged, first: {problems[0]}";
        inventory.Update(checkedEntry.Name, e => e.Version != checkedEntry.Version || e.State != ModelState.Ready ? e : e with
        {
            State = ModelState.Failed,
            Error = new ModelError
            {
                Reason = nameof(FailureReason.Corrupted),
                Message = message,
                Attempts = 0,
                NextRetryAt = nextRetryAt,
            },
        });
        return true;
    }

    /// <summary>Records a clean verify in the inventory (<c>verifiedAt</c>).</summary>
    public static void MarkVerified(InventoryState inventory, ModelEntry checkedEntry, DateTimeOffset at) =>
        inventory.Update(checkedEntry.Name, e => e.Version == checkedEntry.Version && e.State == ModelState.Ready ? e with { VerifiedAt = at } : e);
}

internal sealed record VerifyOutcome(IReadOnlyList<VerifyProblem> Problems, IReadOnlyList<VerifyProblem> Corrupt, bool MarkedCorrupted);

using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Verify;

/// <summary>
/// Verifies one Ready model and records the outcome, the part the <c>verify</c> verb and the scheduled scrub
/// share: a clean model gets <c>verifiedAt</c>; a damaged one is condemned with every version that shares
/// its damaged content (<see cref="Condemner"/>), so the next reconcile fetches only the damaged files.
/// Each caller only reports.
/// </summary>
internal static class CorruptionHandler
{
    public static async Task<VerifyOutcome> VerifyAndRecordAsync(
        StoreLayout layout, ModelLifecycle lifecycle, ModelEntry entry, BandwidthLimiter limiter, DateTimeOffset now, CancellationToken ct)
    {
        var problems = await ModelVerifier.VerifyAsync(layout.Root, entry, limiter, ct);
        var corrupt = problems.Where(p => p.IsCorruption).ToList();
        if (problems.Count == 0)
        {
            lifecycle.Verified(entry.Name, entry.Version, now);
        }

        var condemned = corrupt.Count > 0 ? MarkCorrupted(layout, lifecycle, entry, corrupt, now, ct) : [];
        return new VerifyOutcome(problems, corrupt, condemned);
    }

    /// <summary>Condemns <paramref name="checkedEntry"/>'s version when its marker is still the publication that
    /// was checked (also when the inventory has moved on: a damaged older version must not stay vouched for);
    /// returns every version condemned (empty when none).</summary>
    public static IReadOnlyList<string> MarkCorrupted(StoreLayout layout, ModelLifecycle lifecycle, ModelEntry checkedEntry, IReadOnlyList<VerifyProblem> problems, DateTimeOffset nextRetryAt, CancellationToken ct = default)
    {
        // A problem without a file (an unsafe inventory path) damages the version as a whole: nothing of it is salvaged.
        var damage = problems.Select(p => new Damage(p.File ?? StoreLayout.MarkerFileName, p.Message)).ToList();
        if (problems.Any(p => p.File is null))
        {
            damage.AddRange(checkedEntry.Files.Select(f => new Damage(f.Path, "not checked: the version's path is unsafe")));
        }

        return Condemner.Condemn(layout, lifecycle, checkedEntry.Name, checkedEntry.Version, checkedEntry.ReadyAt, damage, nextRetryAt, ct);
    }
}

/// <summary>What verifying one model found, and every version that was condemned for it (that model's first).</summary>
internal sealed record VerifyOutcome(IReadOnlyList<VerifyProblem> Problems, IReadOnlyList<VerifyProblem> Corrupt, IReadOnlyList<string> Condemned)
{
    public bool MarkedCorrupted => Condemned.Count > 0;
}

using ModelSync.Store.Text;

namespace ModelSync.Daemon.Gc;

/// <summary>
/// Chooses what to evict when a download did not fit (docs/operations.md, "GC"): previous versions that no
/// manifest entry needs and no pin holds (<see cref="GcPlan.Evictable"/>), least recently used first, until the
/// bytes they free cover the shortfall. Last use is the later of the version's publication and the last time
/// a look found it pinned. A version that frees nothing (its files are shared with a kept one) is left alone.
/// </summary>
internal static class Eviction
{
    /// <param name="need">Bytes still missing after what GC removes anyway.</param>
    /// <param name="lastPinned">When a look last found a version (relative path) pinned, if ever.</param>
    /// <param name="freedBy">Bytes removing all the given paths frees (<c>DiskUsage.FreedBy</c>).</param>
    public static IReadOnlyList<GcItem> Choose(
        IReadOnlyList<GcEvictable> candidates,
        long need,
        Func<string, DateTimeOffset?> lastPinned,
        Func<IEnumerable<string>, long> freedBy,
        DateTimeOffset now)
    {
        var chosen = new List<GcItem>();
        if (need <= 0)
        {
            return chosen;
        }

        var byLastUse = candidates
            .Select(c => (c.Item, LastUse: lastPinned(c.Item.What) is { } pinned && pinned > c.PublishedAt ? pinned : c.PublishedAt))
            .OrderBy(c => c.LastUse)
            .ThenBy(c => c.Item.What, StringComparer.Ordinal);
        long freed = 0;
        foreach (var (item, lastUse) in byLastUse)
        {
            var with = freedBy(chosen.Select(c => c.Path).Append(item.Path));
            if (with <= freed)
            {
                continue;
            }

            freed = with;
            chosen.Add(item with { Why = $"evicted under capacity pressure: least recently used, last used {DurationText.Format(now - lastUse)} ago" });
            if (freed >= need)
            {
                break;
            }
        }

        return chosen;
    }
}

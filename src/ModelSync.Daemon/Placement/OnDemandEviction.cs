using ModelSync.Daemon.Manifest;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Placement;

/// <summary>On-demand models given up for room, and the bytes removing them frees.</summary>
internal sealed record OnDemandEvicted(IReadOnlyList<string> Names, long Freed)
{
    public static readonly OnDemandEvicted None = new([], 0);

    /// <summary><paramref name="placed"/> without the evicted models: what GC then keeps.</summary>
    public ModelManifest From(ModelManifest placed) =>
        Names.Count == 0 ? placed : placed with { Models = [.. placed.Models.Where(m => !Names.Contains(m.Name))] };

    /// <summary>What is still missing of <paramref name="shortfall"/> after these: previous versions' share.</summary>
    public long StillMissing(long shortfall) => Math.Max(0, shortfall - Freed);
}

/// <summary>
/// Makes room for a download that did not fit (docs/manifest.md, "On demand"): on-demand models on this node that no
/// pod pins and no gate waits for, least recently used first, until the bytes they free cover the shortfall, even
/// within their <c>keepAfterLastUse</c>. The book forgets them, so placement drops them and GC removes them as models
/// no longer for this node (a pin taken meanwhile still holds: GC probes again).
/// </summary>
internal static class OnDemandEviction
{
    public static OnDemandEvicted Evict(ModelManifest placed, StoreLayout layout, OnDemandBook book, long need)
    {
        if (need <= 0)
        {
            return OnDemandEvicted.None;
        }

        var candidates = placed.Models
            .Where(m => m.Placement?.OnDemand == true && Directory.Exists(layout.ModelDir(m.Name)) && !book.Pinned(m.Name) && book.Waiting(m.Name) == 0)
            .OrderBy(m => book.Use(m.Name)?.LastUsedAt ?? DateTimeOffset.MinValue)
            .ThenBy(m => m.Name, StringComparer.Ordinal);
        var chosen = new List<string>();
        long freed = 0;
        foreach (var model in candidates)
        {
            var with = DiskUsage.FreedBy(chosen.Append(model.Name).Select(layout.ModelDir));
            if (with <= freed)
            {
                continue; // frees nothing more: its files are shared with what stays
            }

            freed = with;
            chosen.Add(model.Name);
            if (freed >= need)
            {
                break;
            }
        }

        foreach (var name in chosen)
        {
            book.Evicted(name);
        }

        return new(chosen, freed);
    }
}

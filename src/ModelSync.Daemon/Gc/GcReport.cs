using ModelSync.Store.Text;

namespace ModelSync.Daemon.Gc;

/// <summary>The lines <c>gc</c> prints for a <see cref="GcResult"/>, whether it ran in the verb or in the daemon.</summary>
internal static class GcReport
{
    public static IReadOnlyList<string> Output(GcResult result)
    {
        var verb = result.DryRun ? "would remove" : "removed";
        var lines = result.Removed.Select(item => $"{verb} {item.What} ({item.Why})").ToList();
        lines.AddRange(result.Kept.Select(k => $"kept {k.Item.What} (kept: {k.Why}; otherwise: {k.Item.Why})"));
        lines.Add($"gc: {result.Removed.Count} {(result.DryRun ? "to remove" : "removed")}, {result.Failures.Count} failed, {(result.DryRun ? "would free" : "freed")} {ByteText.Format(result.FreedBytes)} (files shared with kept versions stay)");
        if (result.Kept.Count > 0)
        {
            lines.Add($"gc: {result.Kept.Count} kept: pinned (docs/store-format.md, \"Pins\")");
        }
        return lines;
    }

    public static IReadOnlyList<string> Errors(GcResult result) => [.. result.Failures.Select(f => $"could not remove {f}")];
}

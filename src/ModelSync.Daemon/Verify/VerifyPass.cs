using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Verify;

/// <summary>What one verify of the whole store found: the lines it printed and the problems counted.</summary>
internal sealed record VerifyReport(IReadOnlyList<string> Lines, int Problems, bool MarkedCorrupted);

/// <summary>
/// One <c>verify</c> of every Ready model, the same whether the verb holds the store lock itself or the
/// running daemon does it for it over the control channel: re-hash, mark what is damaged
/// (<see cref="CorruptionHandler"/>), remake <c>hub/</c>, and say it in the lines the verb prints.
/// </summary>
internal static class VerifyPass
{
    public static async Task<VerifyReport> RunAsync(StoreLayout layout, ModelLifecycle lifecycle, StoreChanges changes, BandwidthLimiter limiter, TimeProvider time, Action<string> line, CancellationToken ct)
    {
        var lines = new List<string>();
        void Say(string text)
        {
            lines.Add(text);
            line(text);
        }

        var problemsFound = 0;
        var marked = false;
        foreach (var entry in lifecycle.Snapshot().Models)
        {
            if (entry.State != ModelState.Ready)
            {
                Say($"skip    {entry.Name}@{entry.Version}: {entry.State}");
                continue;
            }

            var outcome = await CorruptionHandler.VerifyAndRecordAsync(layout, lifecycle, entry, limiter, time.GetUtcNow(), ct);
            if (outcome.Problems.Count == 0)
            {
                Say($"OK      {entry.Name}@{entry.Version} ({CountText.Of(entry.Files.Count, "file")}, {ByteText.Format(entry.Bytes)})");
                continue;
            }

            problemsFound += outcome.Problems.Count;
            foreach (var problem in outcome.Problems)
            {
                Say($"PROBLEM {problem}");
            }

            if (outcome.MarkedCorrupted)
            {
                marked = true;
                Say($"marked  {entry.Name}@{entry.Version} Failed/Corrupted; the next sync fetches its damaged files again");
            }

            foreach (var other in outcome.Condemned.Skip(1))
            {
                Say($"marked  {other} condemned too: it shares the damaged content");
            }
        }

        // Condemned versions leave hub/, and a view someone altered is remade from the markers.
        changes.Raise(layout);
        Say(problemsFound == 0 ? "verify: all ready models intact" : $"verify: {CountText.Of(problemsFound, "problem")}");
        return new VerifyReport(lines, problemsFound, marked);
    }
}

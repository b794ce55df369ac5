using System.Globalization;
using ModelSync.Gate.Commands;
using ModelSync.Store.Inventory;
using ModelSync.Store.Text;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Output;

/// <summary>What one model (or the store) is waiting on. <see cref="Key"/> leaves out the moving progress figures.</summary>
internal sealed record WaitItem(string Label, string Text, string Key, int? Percent);

/// <summary>Describes a probe that did not pass, in the words an operator reading pod logs needs.</summary>
internal static class WaitStatus
{
    private const int MaxProblemsShown = 3;

    public static IReadOnlyList<WaitItem> Describe(ProbeResult probe, int maxProblems = MaxProblemsShown)
    {
        if (probe.Report is not { } report)
        {
            var error = probe.StoreError ?? "no inventory";
            return [new WaitItem("", error, error, null)];
        }

        return [.. report.Models.Where(m => !m.IsValid).Select(m => Describe(m, maxProblems, probe.Writer))];
    }

    public static string Line(IReadOnlyList<WaitItem> items) =>
        items is [{ Label: "" } store] ? $"waiting: {store.Text}" : $"waiting for {string.Join("; ", items.Select(i => $"{i.Label}: {i.Text}"))}";

    public static string Label(ModelCheck check) =>
        check.Requirement.Version is not null || check.Entry is null ? check.Requirement.ToString() : $"{check.Entry.Name}@{check.Entry.Version}";

    private static WaitItem Describe(ModelCheck check, int maxProblems, WriterStatus? writer)
    {
        var label = Label(check);
        var entry = check.Entry;
        var waitsOnState = check.Problems.All(p => p.Kind == ProblemKind.NotReady) && entry is not null
            && (check.Requirement.Version is null || check.Requirement.Version == entry.Version);
        if (!waitsOnState)
        {
            var text = Problems(check.Problems, maxProblems);
            return new(label, text, $"{label}: {text}", null);
        }

        if (writer is { Frozen: true } && entry!.State is ModelState.Downloading or ModelState.Pending)
        {
            // Nobody moves it: say so, instead of a progress figure that will never change.
            var at = entry.Progress is { BytesTotal: > 0 } stopped ? $" at {ByteText.Format(stopped.BytesDone)} of {ByteText.Format(stopped.BytesTotal)} ({ProgressText.Percent(stopped)})" : "";
            var text = $"{entry.State.ToString().ToLowerInvariant()}{at}, not moving: {writer.Text}";
            return new(label, text, $"{label}: {entry.State}: {writer.Liveness}", null);
        }

        return entry!.State switch
        {
            ModelState.Downloading when entry.Progress is { BytesTotal: > 0 } p => Downloading(label, p),
            ModelState.Downloading => new(label, "downloading", $"{label}: downloading", null),
            ModelState.Failed when entry.Error is { } e => Failed(label, e),
            _ => new(label, entry.State.ToString().ToLowerInvariant(), $"{label}: {entry.State}", null),
        };
    }

    private static WaitItem Downloading(string label, ModelProgress p)
    {
        var percent = (int)Math.Clamp(p.BytesDone * 100 / p.BytesTotal, 0, 100);
        var text = $"downloading {ByteText.Format(p.BytesDone)} of {ByteText.Format(p.BytesTotal)} ({percent}%){ProgressText.Suffix(p)}";
        return new(label, text, $"{label}: downloading", percent);
    }

    private static WaitItem Failed(string label, ModelError e)
    {
        // Attempts made so far; a model found damaged on disk (Corrupted) was not fetched, so none are named.
        var parts = new List<string>(2);
        if (e.Attempts > 0)
        {
            parts.Add($"after {CountText.Of(e.Attempts, "attempt")}");
        }

        if (e.NextRetryAt is { } at)
        {
            parts.Add($"next retry {at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}Z");
        }

        var text = $"Failed: {e.Reason}: {e.Message}{(parts.Count > 0 ? $" ({string.Join(", ", parts)})" : "")}";
        return new(label, text, $"{label}: {text}", null);
    }

    private static string Problems(IReadOnlyList<ValidationProblem> problems, int max)
    {
        var shown = problems.Take(max).Select(p => p.File is null ? p.Message : $"{p.File}: {p.Message}");
        var more = problems.Count > max ? $" (+{problems.Count - max} more)" : "";
        return string.Join("; ", shown) + more;
    }
}

using ModelSync.Gate.Cli;
using ModelSync.Gate.Commands;
using ModelSync.Store.Inventory;
using ModelSync.Store.Text;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Output;

/// <summary>The human-readable outputs: the <c>--check</c> report, the ready line and the timeout summary.</summary>
internal static class ReportPrinter
{
    public static void PrintCheck(TextWriter output, GateOptions options, ProbeResult probe)
    {
        if (probe.Report is not { } report)
        {
            output.WriteLine($"store unreadable: {probe.StoreError}");
            return;
        }

        foreach (var check in report.Models)
        {
            output.WriteLine(check.IsValid
                ? $"OK    {check.Requirement.Name}@{check.ValidVersion} ({Detail(check)})"
                : $"FAIL  {WaitStatus.Label(check)}: {string.Join("; ", check.Problems.Select(Describe))}");
        }

        var failed = report.Models.Count(m => !m.IsValid);
        if (failed > 0 && probe.Writer is { Frozen: true } writer)
        {
            output.WriteLine($"writer: {writer.Text}");
        }

        output.WriteLine(report.Models.Count == 0
            ? $"valid: no models required (the inventory at {options.Root} lists none)"
            : failed == 0
                ? $"valid: {report.Models.Count} of {CountText.Of(report.Models.Count, "model")} ({options.VerifyName} verified)"
                : $"not valid: {failed} of {CountText.Of(report.Models.Count, "model")} failed ({options.VerifyName} verified)");
    }

    public static void PrintReady(TextWriter output, GateOptions options, ProbeResult probe)
    {
        var models = probe.Report!.Models;
        output.WriteLine(models.Count == 0
            ? $"ready: no models required (the inventory at {options.Root} lists none)"
            : $"ready: {string.Join(", ", models.Select(m => $"{m.Requirement.Name}@{m.ValidVersion}"))} ({options.VerifyName} verified)");
    }

    public static void PrintTimeout(TextWriter output, GateOptions options, ProbeResult probe)
    {
        var after = DurationText.Format(options.Timeout);
        if (probe.Report is null)
        {
            output.WriteLine($"timed out after {after}: {probe.StoreError}");
            return;
        }

        output.WriteLine($"timed out after {after}; not valid:");
        foreach (var item in WaitStatus.Describe(probe, int.MaxValue))
        {
            output.WriteLine($"  {item.Label}: {item.Text}");
        }
    }

    /// <summary>Waiting cannot help (exit 4): every model given up on, and why the gate believes so.</summary>
    public static void PrintCannotSucceed(TextWriter output, TimeSpan after, ProbeResult probe, IReadOnlyList<Hopeless> hopeless)
    {
        output.WriteLine($"cannot succeed after {DurationText.Format(WholeUnits(after))}: waiting cannot help, the daemon is live and downloads nothing ({probe.Writer!.Text}):");
        foreach (var item in hopeless)
        {
            output.WriteLine($"  {item.Label}: {item.Text} (for {DurationText.Format(WholeUnits(item.For))})");
        }
    }

    public static string Describe(ValidationProblem problem) =>
        problem.File is null ? problem.Message : $"{problem.File}: {problem.Message}";

    private static string Detail(ModelCheck check)
    {
        var entry = check.Entry!;
        if (check.FromPrevious && entry.Previous is { } previous)
        {
            // The same version when the manifest changed a Ready version's entry: the copy in use is the old one.
            return previous.Version == entry.Version
                ? $"previous copy, {Files(previous.Files)}; a new copy of {entry.Version} is {entry.State}"
                : $"previous version, {Files(previous.Files)}; {entry.Version} is {entry.State}";
        }

        return Files(entry.Files);
    }

    /// <summary>Seconds from one second on, milliseconds below: <c>3m4s</c>, not <c>3m4s512ms</c>.</summary>
    private static TimeSpan WholeUnits(TimeSpan t) =>
        t >= TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(Math.Floor(t.TotalSeconds)) : TimeSpan.FromMilliseconds(Math.Floor(t.TotalMilliseconds));

    private static string Files(IReadOnlyList<FileEntry> files) =>
        $"{files.Count} file{(files.Count == 1 ? "" : "s")}, {ByteText.Format(files.Sum(f => f.Size))}";
}

using ModelSync.Gate.Output;
using ModelSync.Store.Inventory;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Commands;

/// <summary>A required model that waiting cannot bring, and how long the gate has seen it so.</summary>
internal sealed record Hopeless(string Label, string Text, TimeSpan For);

/// <summary>
/// Tells when waiting cannot help (docs/gate.md, "Giving up early"): a required model absent from the
/// inventory, or parked on a failure retrying cannot change, for <c>--absent-grace</c> on
/// end while the daemon is live (<c>run</c> holds the store lock and its heartbeat is fresh) and idle (no
/// model is <c>Pending</c> or <c>Downloading</c>). Idle matters: the daemon lists a model added to its
/// manifest, and attempts one whose parked entry was edited, only when its pass reaches it, which can be
/// after the downloads ahead of it. Any look that is not so starts the grace again; the clock is the gate's
/// own, since the daemon's timestamps say nothing about when the pod's manifest edit reaches the node.
/// </summary>
internal sealed class GiveUpWatch(TimeProvider time, TimeSpan grace)
{
    private readonly Dictionary<string, long> _since = new(StringComparer.Ordinal);

    /// <summary>The models given up on at this look, or null to keep waiting.</summary>
    public IReadOnlyList<Hopeless>? Next(ProbeResult probe)
    {
        if (probe.Report is not { } report || !DaemonLiveAndIdle(probe))
        {
            _since.Clear();
            return null;
        }

        var now = time.GetTimestamp();
        var seen = new List<(string Key, string Label, string Text)>();
        foreach (var check in report.Models.Where(m => !m.IsValid))
        {
            if (Why(check) is { } why)
            {
                seen.Add((why.Key, why.Label, why.Text));
            }
        }

        foreach (var gone in _since.Keys.Except(seen.Select(s => s.Key), StringComparer.Ordinal).ToList())
        {
            _since.Remove(gone);
        }

        var due = new List<Hopeless>();
        foreach (var (key, label, text) in seen)
        {
            var since = _since.TryGetValue(key, out var at) ? at : _since[key] = now;
            var lasted = time.GetElapsedTime(since, now);
            if (lasted >= grace)
            {
                due.Add(new Hopeless(label, text, lasted));
            }
        }

        return due.Count > 0 ? due : null;
    }

    /// <summary>The daemon keeps the inventory in step with its manifest and nothing is on its way: <c>run</c>
    /// (not a one-shot <c>sync</c> or a verb) holds the lock, has not said it stopped and beat within
    /// <see cref="WriterCheck.SilentAfter"/>, and no model is Pending or Downloading.</summary>
    public static bool DaemonLiveAndIdle(ProbeResult probe) =>
        probe.Inventory is { Writer: { Mode: "run", StoppedAt: null } } inventory
        && probe.Writer is { Liveness: WriterLiveness.Active }
        && !inventory.Models.Any(m => m.State is ModelState.Pending or ModelState.Downloading);

    private static (string Key, string Label, string Text)? Why(ModelCheck check)
    {
        if (check.Entry is null)
        {
            var message = check.Problems.FirstOrDefault(p => p.Kind == ProblemKind.NotInInventory)?.Message ?? "not in the inventory";
            var label = check.Requirement.ToString();
            return ($"absent\n{label}", label, message);
        }

        // Parked: the failure policy decided retrying cannot change it (docs/daemon.md, "Failure policy"). Only
        // when this entry's own version is wanted and no previous copy was tried (those problems say more).
        var entry = check.Entry;
        if (entry is { State: ModelState.Failed, Failure.Parked: { } parked }
            && (check.Requirement.Version is null || check.Requirement.Version == entry.Version)
            && check.Problems.All(p => p.Kind == ProblemKind.NotReady))
        {
            var label = WaitStatus.Label(check);
            var error = entry.Error is { } e ? $"{e.Reason}: {e.Message}" : parked.Reason;
            return ($"parked\n{label}", label, $"parked since {WriterCheck.Iso(parked.Since)}: {error}; fetched again only when its manifest entry or its source changes, or on an operator's retry");
        }

        return null;
    }
}

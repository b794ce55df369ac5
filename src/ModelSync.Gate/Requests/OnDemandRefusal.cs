using ModelSync.Gate.Cli;
using ModelSync.Gate.Commands;
using ModelSync.Store.Layout;
using ModelSync.Store.Requests;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Requests;

/// <summary>
/// The plain wait and <c>--check</c> hold no pin, so they refuse an on-demand model (docs/gate.md, "On-demand
/// models"): without a pin the daemon cannot know the pod uses it and may evict it under the pod. A model the
/// inventory lists says so itself; an absent one is asked about with <c>check NAME</c> (once per connection),
/// which fetches nothing. Never sends <c>want</c>.
/// </summary>
internal sealed class OnDemandRefusal(RequestChannel channel, TimeProvider time) : IDisposable
{
    /// <summary>The daemon answers from memory; a daemon this slow is treated as one that did not answer.</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(5);

    private readonly HashSet<string> _checked = new(StringComparer.Ordinal);
    private int _checkedOn = -1;

    /// <summary>For the plain forms with <c>--require</c>; null without it (nothing is asked then). Quiet when no
    /// daemon answers: the plain forms ask for nothing, and judge by the inventory's entries alone then.</summary>
    public static OnDemandRefusal? Create(GateOptions options) =>
        options.Requirements is null ? null
        : new(new RequestChannel(new StoreLayout(options.Root), options.Interval, TimeProvider.System, Console.Error, null), TimeProvider.System);

    /// <summary>The refusal as a usage error (exit 2, one line on stderr).</summary>
    public static int Refuse(string refusal)
    {
        Console.Error.WriteLine($"ModelSync.Gate: {refusal}");
        return ExitCodes.Usage;
    }

    /// <summary>Why the gate must not pass on what <paramref name="probe"/> found, or null when nothing is on demand.</summary>
    public string? Refusal(IReadOnlyList<ModelRequirement> required, ProbeResult probe, CancellationToken ct)
    {
        if (probe.Report?.Models.FirstOrDefault(m => m.Entry is { OnDemand: true }) is { } listed)
        {
            return Message(listed.Requirement.Name, "its inventory entry says onDemand");
        }

        var absent = required.Select(r => r.Name)
            .Where(n => probe.Report?.Models.Any(m => m.Requirement.Name == n && m.Entry is not null) != true)
            .Distinct().ToList();
        if (absent.Count == 0 || !channel.TryConnect())
        {
            return null;
        }

        if (channel.Connection != _checkedOn)
        {
            _checkedOn = channel.Connection;
            _checked.Clear();
        }

        var sent = absent.Where(n => !_checked.Contains(n)).Take(RequestProtocol.MaxRequestsPerSecond)
            .TakeWhile(n => channel.Send(RequestVerb.Check, n)).ToList();
        _checked.UnionWith(sent);
        return sent.Count == 0 ? null : AwaitAnswers(sent.Count, ct);
    }

    public void Dispose() => channel.Dispose();

    private string? AwaitAnswers(int expected, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var answered = 0;
        string? refusal = null;
        while (answered < expected)
        {
            while (channel.TryTake(out var news))
            {
                if (news!.Connection != channel.Connection)
                {
                    continue;
                }

                if (news.Closed is not null || news.Answer is { Kind: AnswerKind.Error })
                {
                    return refusal;
                }

                if (news is { Request.Verb: RequestVerb.Check, Answer: { } answer })
                {
                    answered++;
                    // `ready` to a check is an on-demand model Ready now (any other model gets `no`).
                    refusal ??= answer.Kind is AnswerKind.OnDemand or AnswerKind.Ready
                        ? Message(answer.Name!, $"the daemon answers '{RequestProtocol.Format(answer).TrimEnd()}'")
                        : null;
                }
            }

            var left = AnswerBound - time.GetElapsedTime(started);
            if (answered == expected || left <= TimeSpan.Zero)
            {
                break;
            }

            if (WaitHandle.WaitAny([ct.WaitHandle, channel.Wake], left) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        return refusal;
    }

    private static string Message(string name, string why) =>
        $"{name} is an on-demand model ({why}): the plain gate and --check hold no pin, so the daemon cannot know this pod uses it and may evict it; use '-- CMD' or --hold (docs/gate.md, \"Pins\")";
}

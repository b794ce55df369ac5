using ModelSync.Gate.Cli;
using ModelSync.Gate.Commands;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.Requests;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Requests;

/// <summary>
/// The pin forms' side of on-demand models (docs/gate.md, "On-demand models"): at each look, asks the daemon
/// (<c>want NAME</c>, once per connection) for every required model that is not valid and absent from the
/// inventory, or listed as on demand and not Ready, and prints what it answers, each distinct line once. The wait blocks on
/// <see cref="Wake"/> as well as its interval, so a <c>ready</c> line makes it look again at once.
/// </summary>
internal sealed class OnDemandAsker(RequestChannel channel, TimeProvider time, TextWriter log) : IDisposable
{
    /// <summary>The daemon may say <c>ready</c> a moment before its inventory shows it: look often for a while.</summary>
    private static readonly TimeSpan AfterReady = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AfterReadyEvery = TimeSpan.FromMilliseconds(100);

    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _said = new(StringComparer.Ordinal);
    private readonly Queue<long> _sentAt = new();
    private int _askedOn = -1;
    private long? _readyAt;

    public WaitHandle Wake => channel.Wake;

    /// <summary>For a pin form's wait: the requirements are explicit there (exit 2 otherwise).</summary>
    public static OnDemandAsker Create(GateOptions options)
    {
        var log = options.Json ? Console.Error : Console.Out;
        var time = TimeProvider.System;
        return new(new RequestChannel(new StoreLayout(options.Root), options.Interval, time, log,
            "on-demand models cannot be asked for; waiting for the inventory"), time, log);
    }

    /// <summary>Prints what the daemon said since the last look, then asks for what this look still lacks.</summary>
    public void Look(IReadOnlyList<ModelRequirement> required, ProbeResult probe)
    {
        while (channel.TryTake(out var news))
        {
            if (news!.Answer is { Kind: AnswerKind.Ready })
            {
                _readyAt = time.GetTimestamp();
            }

            if (Line(news) is { } line && _said.Add(line))
            {
                log.WriteLine(line);
            }
        }

        var lacking = Lacking(required, probe);
        if (lacking.Count == 0 || !channel.TryConnect())
        {
            return;
        }

        if (channel.Connection != _askedOn)
        {
            // A new connection (the daemon restarted, or dropped us): it knows nothing of what we asked before.
            _askedOn = channel.Connection;
            _asked.Clear();
            _sentAt.Clear();
        }

        foreach (var name in lacking.Where(n => !_asked.Contains(n)))
        {
            if (!MaySend() || !channel.Send(RequestVerb.Want, name))
            {
                break;
            }

            _asked.Add(name);
            _sentAt.Enqueue(time.GetTimestamp());
        }
    }

    /// <summary>How long the wait may sleep before its next look: <paramref name="interval"/>, or less for a few
    /// seconds after a <c>ready</c> line, so the pod starts when the inventory catches up, not an interval later.</summary>
    public TimeSpan NextLook(TimeSpan interval) =>
        _readyAt is { } at && time.GetElapsedTime(at) < AfterReady && interval > AfterReadyEvery ? AfterReadyEvery : interval;

    public void Dispose() => channel.Dispose();

    /// <summary>Required models that are not valid and absent from the inventory, or on demand and not Ready. A
    /// listed model without <c>onDemand</c> is preloaded: the daemon brings it unasked (and would answer <c>no</c>).</summary>
    private static List<string> Lacking(IReadOnlyList<ModelRequirement> required, ProbeResult probe) =>
        probe.Report is not { } report
            ? [.. required.Select(r => r.Name).Distinct()]
            : [.. report.Models.Where(m => !m.IsValid && m.Entry is null or { OnDemand: true, State: not ModelState.Ready })
                .Select(m => m.Requirement.Name).Distinct()];

    /// <summary>Within the daemon's bounds (docs/store-format.md, "Requests"): one more would close the connection.</summary>
    private bool MaySend()
    {
        var now = time.GetTimestamp();
        var lastSecond = _sentAt.Count(t => time.GetElapsedTime(t, now) < TimeSpan.FromSeconds(1));
        return _sentAt.Count < RequestProtocol.MaxRequestsPerConnection && lastSecond < RequestProtocol.MaxRequestsPerSecond;
    }

    private string? Line(DaemonNews news)
    {
        if (news.Closed is { Length: > 0 } dropped)
        {
            return $"the daemon on {channel.Path} {dropped}: connection dropped; asking again at a later poll";
        }

        if (news.Answer is not { } answer)
        {
            return null;
        }

        var asked = news.Request is null ? null : $"asked the daemon for {answer.Name}: ";
        return (answer.Kind, asked) switch
        {
            (AnswerKind.Error, _) => $"the daemon refused a request: {answer.Detail}; asking again at a later poll",
            (AnswerKind.Fetching, _) => $"asked the daemon for {answer.Name}: fetching",
            (AnswerKind.Ready, null) => $"the daemon says {answer.Name} is ready ({answer.Detail})",
            (AnswerKind.Ready, _) => $"{asked}ready ({answer.Detail})",
            (AnswerKind.No, _) => $"asked the daemon for {answer.Name}: no, {answer.Name} {answer.Detail}",
            (AnswerKind.Failed, _) => $"the daemon's fetch of {answer.Name} failed: {answer.Detail}; it retries, the wait goes on",
            _ => $"asked the daemon for {answer.Name}: {answer.Kind.ToString().ToLowerInvariant()} {answer.Detail}".TrimEnd(),
        };
    }
}

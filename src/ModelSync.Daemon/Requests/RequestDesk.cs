using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Inventory;
using ModelSync.Store.Requests;

namespace ModelSync.Daemon.Requests;

/// <summary>
/// Answers one request (docs/store-format.md, "Requests") from the manifest in force, this node's placement rules,
/// the book of on-demand use and the inventory. Only an on-demand model of the manifest, placed on this node by
/// its rules, is ever fetched: the name is looked up, never used as a path or a URL. The first <c>want</c> that makes
/// a model wanted starts a pass at once; later ones only count as use.
/// </summary>
internal sealed class RequestDesk(ManifestInForce manifests, NodePlacement placement, OnDemandBook book, ReconcileTrigger trigger, OnDemandMetrics metrics)
{
    /// <summary>The answer, and whether the connection now waits for the model (<c>fetching</c>).</summary>
    public AnswerLine Answer(RequestLine request, ModelLifecycle lifecycle)
    {
        var answer = Decide(request, lifecycle);
        metrics.Answered(answer.Kind);
        return answer;
    }

    /// <summary>A line that was no request (too long, unknown verb, too many): the connection ends with <c>error</c>.</summary>
    public void NotARequest() => metrics.Answered(AnswerKind.Error);

    /// <summary>The answer a waiting connection sends on its own, or null while the model is still on its way.</summary>
    public static AnswerLine? Outcome(string name, ModelLifecycle lifecycle, string? failedBefore) =>
        lifecycle.Find(name) switch
        {
            { State: ModelState.Ready } e => new(AnswerKind.Ready, name, e.Version),
            { State: ModelState.Failed, Error: { } error } when error.Message != failedBefore => new(AnswerKind.Failed, name, error.Message),
            _ => null,
        };

    private AnswerLine Decide(RequestLine request, ModelLifecycle lifecycle)
    {
        var name = request.Name;
        var manifest = manifests.Current;
        if (manifest.Models.FirstOrDefault(m => m.Name == name) is not { } model)
        {
            return No(name, "is not in the manifest");
        }

        if (model.Placement is not { OnDemand: true } spec)
        {
            return No(name, "is not an on-demand model: it is kept on the nodes its placement names, without asking");
        }

        var rules = placement.Rules(model);
        if (!rules.OnNode)
        {
            return No(name, rules.Why);
        }

        var ready = lifecycle.Find(name) is { State: ModelState.Ready } e ? e : null;
        if (request.Verb == RequestVerb.Check)
        {
            return ready is null ? new(AnswerKind.OnDemand, name, null) : new(AnswerKind.Ready, name, ready.Version);
        }

        if (book.Asked(name, spec.KeepAfterLastUse))
        {
            metrics.FetchStarted(name);
            // As a manifest change: a pass in progress stops at a resumable point, so the fetch starts now.
            trigger.Request(interruptCurrent: ready is null);
        }

        if (ready is not null)
        {
            book.StoppedWaiting(name);
            return new(AnswerKind.Ready, name, ready.Version);
        }

        return new(AnswerKind.Fetching, name, null);
    }

    private static AnswerLine No(string name, string why) => new(AnswerKind.No, name, why);
}

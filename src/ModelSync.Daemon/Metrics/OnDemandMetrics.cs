using ModelSync.Store.Requests;
using Prometheus;

namespace ModelSync.Daemon.Metrics;

/// <summary>The on-demand metrics (docs/operations.md), in the daemon's registry: requests by answer, fetches a
/// request started, and on-demand models evicted (past keepAfterLastUse, or under pressure).</summary>
internal sealed class OnDemandMetrics
{
    private readonly Counter _requests;
    private readonly Counter _fetches;
    private readonly Counter _evictions;

    public OnDemandMetrics(DaemonMetrics metrics)
    {
        var f = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _requests = f.CreateCounter("modelsync_ondemand_requests_total", "Requests on the request socket, by answer (ready, fetching, on-demand, no, error).", ["answer"]);
        _fetches = f.CreateCounter("modelsync_ondemand_fetches_total", "On-demand models a request made wanted on this node (each is one fetch, however many pods asked).", ["model"]);
        _evictions = f.CreateCounter("modelsync_ondemand_evictions_total", "On-demand models removed from this node, by why (unused: past keepAfterLastUse; pressure: room for another).", ["why"]);
        // Every answer a request can get (a failure is only ever pushed later, never an answer).
        foreach (var kind in Enum.GetValues<AnswerKind>().Where(k => k != AnswerKind.Failed))
        {
            _requests.WithLabels(RequestProtocol.Word(kind)).IncTo(0);
        }

        _evictions.WithLabels("unused").IncTo(0);
        _evictions.WithLabels("pressure").IncTo(0);
    }

    public void Answered(AnswerKind answer) => _requests.WithLabels(RequestProtocol.Word(answer)).Inc();

    public void FetchStarted(string model) => _fetches.WithLabels(model).Inc();

    public void Evicted(string why, int models) => _evictions.WithLabels(why).Inc(models);
}

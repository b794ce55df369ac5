using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Kubernetes;

/// <summary>What was last learnt of the node's labels: the labels (null when the last read failed), when, and why not.</summary>
internal sealed record LabelRead(IReadOnlyDictionary<string, string>? Labels, DateTimeOffset At, string? Error);

/// <summary>
/// The node's labels, read from the API at most once per <c>maxAge</c> (the pass and the refresh loop share one read),
/// and the one place that patches them. A failed read forgets the labels (never decides on old ones) and is said once
/// when the API stops answering and once when it answers again, not at every read.
/// </summary>
internal sealed partial class NodeLabels(KubernetesNodeApi api, TimeProvider time, ILogger<NodeLabels> logger)
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private LabelRead? _last;

    public string Node => api.Node;

    public LabelRead? Last => Volatile.Read(ref _last);

    public async Task<LabelRead> ReadAsync(TimeSpan maxAge, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            if (_last is { } fresh && time.GetUtcNow() - fresh.At < maxAge)
            {
                return fresh;
            }

            try
            {
                return Record(new LabelRead(await api.LabelsAsync(ct), time.GetUtcNow(), null));
            }
            catch (NodeApiException ex)
            {
                return Record(new LabelRead(null, time.GetUtcNow(), ex.Message));
            }
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>One merge patch; null when done (the labels read back are kept), else why not.</summary>
    public async Task<string?> PatchAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            var labels = await api.PatchLabelsAsync(changes, ct);
            Record(new LabelRead(labels, time.GetUtcNow(), null));
            Log.Labelled(logger, api.Node, string.Join(", ", changes.Select(c => c.Value is null ? $"-{c.Key}" : $"{c.Key}={c.Value}")));
            return null;
        }
        catch (NodeApiException ex)
        {
            Log.PatchFailed(logger, api.Node, ex.Message);
            return ex.Message;
        }
        finally
        {
            _one.Release();
        }
    }

    private LabelRead Record(LabelRead read)
    {
        var before = _last;
        Volatile.Write(ref _last, read);
        if (read.Error is { } error && before?.Error is null)
        {
            Log.Unreachable(logger, api.Node, error);
        }
        else if (read.Error is null && before?.Error is not null)
        {
            Log.Reachable(logger, api.Node);
        }

        return read;
    }

    private static partial class Log
    {
        [LoggerMessage(2700, LogLevel.Warning, "Node {Node}: labels cannot be read: {Error}; models placed by label are kept as they are on this node, none is fetched or removed until they can")]
        public static partial void Unreachable(ILogger logger, string node, string error);

        [LoggerMessage(2701, LogLevel.Information, "Node {Node}: labels read again from the API")]
        public static partial void Reachable(ILogger logger, string node);

        [LoggerMessage(2702, LogLevel.Information, "Node {Node} labelled: {Changes}")]
        public static partial void Labelled(ILogger logger, string node, string changes);

        [LoggerMessage(2703, LogLevel.Warning, "Node {Node}: warm-node labels not patched: {Error}; tried again after the next pass")]
        public static partial void PatchFailed(ILogger logger, string node, string error);
    }
}

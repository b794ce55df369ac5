using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Sync;

namespace ModelSync.Daemon.Hosting;

/// <summary>A snapshot of <see cref="ReconcileStatus"/> for /status, /metrics and the health check.</summary>
internal sealed record ReconcileView(
    bool LockHeld,
    bool InProgress,
    DateTimeOffset StartedAt,
    DateTimeOffset Heartbeat,
    DateTimeOffset LastActivity,
    int Passes,
    DateTimeOffset? LastStartedAt,
    ReconcileResult? LastResult,
    string? LastError,
    DateTimeOffset? NextAt,
    GcResult? LastGc);

/// <summary>What the reconcile loop is doing, written by the loop and the sync observer, read by the endpoints.</summary>
internal sealed class ReconcileStatus
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private bool _lockHeld;
    private bool _inProgress;
    private DateTimeOffset _heartbeat;
    private DateTimeOffset _activity;
    private int _passes;
    private DateTimeOffset? _lastStartedAt;
    private ReconcileResult? _lastResult;
    private string? _lastError;
    private DateTimeOffset? _nextAt;
    private GcResult? _lastGc;

    public ReconcileStatus(TimeProvider time)
    {
        _time = time;
        _startedAt = _heartbeat = _activity = time.GetUtcNow();
    }

    public void LockAcquired() => Set(() => _lockHeld = true);

    /// <summary>A pass made progress: bytes arrived, a retry was scheduled, a model finished.</summary>
    public void Activity() => Set(() => _activity = _time.GetUtcNow());

    public void PassStarted() => Set(() =>
    {
        _inProgress = true;
        _lastStartedAt = _heartbeat = _activity = _time.GetUtcNow();
        _nextAt = null;
    });

    public void PassFinished(ReconcileResult result) => Set(() =>
    {
        _inProgress = false;
        _passes++;
        _lastResult = result;
        _lastError = null;
        _heartbeat = _activity = _time.GetUtcNow();
    });

    public void PassInterrupted(string why) => Set(() =>
    {
        _inProgress = false;
        _lastError = why;
        _heartbeat = _time.GetUtcNow();
    });

    public void Waiting(DateTimeOffset nextAt) => Set(() =>
    {
        _nextAt = nextAt;
        _heartbeat = _time.GetUtcNow();
    });

    public void GcDone(GcResult result) => Set(() => _lastGc = result);

    public ReconcileView View()
    {
        lock (_lock)
        {
            return new ReconcileView(_lockHeld, _inProgress, _startedAt, _heartbeat, _activity, _passes, _lastStartedAt, _lastResult, _lastError, _nextAt, _lastGc);
        }
    }

    private void Set(Action change)
    {
        lock (_lock)
        {
            change();
        }
    }
}

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Logging;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using Polly;
using Polly.Retry;
using ModelSync.Daemon.Content;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// The store's single-writer lock in run mode. Unlike the one-shot verbs, run mode waits for it
/// (e.g. while a setup Job's <c>sync</c> still runs on the node), logging who holds it; endpoints are
/// up meanwhile: /healthz 200, /readyz 503. Whoever needs the inventory gets it from the
/// <see cref="StoreSession"/> this hands out once the lock is taken, so nothing can read it too early.
/// </summary>
internal sealed class StoreLockHolder(StoreLayout layout, Func<ModelLifecycle> openLifecycle, StoreChanges changes, TimeProvider time, ILogger<StoreLockHolder> logger) : IDisposable
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    private readonly TaskCompletionSource<StoreSession> _session = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StoreLock? _lock;
    private ITimer? _heartbeat;

    public bool IsHeld => _session.Task.IsCompletedSuccessfully;

    /// <summary>The session if the lock is held, else null: for readers that must not wait (the endpoints).</summary>
    public StoreSession? Session => _session.Task.IsCompletedSuccessfully ? _session.Task.Result : null;

    /// <summary>Completes once <see cref="AcquireAsync"/> took the lock.</summary>
    public Task<StoreSession> SessionAsync(CancellationToken ct) => _session.Task.WaitAsync(ct);

    public async Task<StoreSession> AcquireAsync(CancellationToken ct)
    {
        // Polly, not a Task.Delay loop: wait as long as it takes, one try a second, one log line a minute.
        var lastLog = DateTimeOffset.MinValue;
        var pipeline = new ResiliencePipelineBuilder<StoreLock?> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<StoreLock?>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result is null),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = RetryEvery,
                OnRetry = _ =>
                {
                    if (time.GetUtcNow() - lastLog >= LogEvery)
                    {
                        Log.WaitingForLock(logger, layout.Root, StoreLock.ReadHolder(layout) is { } pid ? $"pid {pid}" : "pid unknown");
                        lastLog = time.GetUtcNow();
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        _lock = await pipeline.ExecuteAsync(static (state, _) => ValueTask.FromResult(StoreLock.TryAcquire(state)), layout, ct);
        Log.LockAcquired(logger, layout.Root);
        var session = new StoreSession(layout, openLifecycle());
        _heartbeat = session.Lifecycle.StartHeartbeat(); // readers tell a live idle daemon from a gone one
        changes.Raise(layout); // hub/ is derived from disk: a start (or a rebuilt inventory) remakes it
        _session.TrySetResult(session);
        return session;
    }

    public void Dispose()
    {
        _heartbeat?.Dispose();
        _lock?.Dispose();
    }
}

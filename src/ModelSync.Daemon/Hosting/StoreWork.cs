namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Who changes the store's trees right now: the reconcile loop for a pass and its GC, or a live
/// <c>gc</c> between passes. GC must never run beside a download (a publish moves directories it plans
/// over), so both take this first; verify and retry do not need it (the scrub verifies beside passes too).
/// </summary>
internal sealed class StoreWork
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        return new Release(_gate);
    }

    /// <summary>Null when the loop still works after <paramref name="wait"/>.</summary>
    public async Task<IDisposable?> TryEnterAsync(TimeSpan wait, CancellationToken ct) =>
        await _gate.WaitAsync(wait, ct) ? new Release(_gate) : null;

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Wakes the reconcile loop before its timer: on a manifest change (which also interrupts the pass in
/// progress, at a resumable point, so the new manifest is worked on at once) or after the scrub found
/// a corrupted model.
/// </summary>
internal sealed class ReconcileTrigger
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _signal = NewSignal();
    private CancellationTokenSource? _pass;

    /// <summary>Asks for a pass now; <paramref name="interruptCurrent"/> cancels the one running.</summary>
    public void Request(bool interruptCurrent)
    {
        lock (_lock)
        {
            _signal.TrySetResult();
            if (interruptCurrent)
            {
                _pass?.Cancel();
            }
        }
    }

    /// <summary>A token for the next pass, cancelled by the host or by an interrupting request. Clears pending requests.</summary>
    public CancellationTokenSource BeginPass(CancellationToken stopping)
    {
        lock (_lock)
        {
            _signal = NewSignal();
            _pass = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            return _pass;
        }
    }

    public void EndPass()
    {
        lock (_lock)
        {
            _pass?.Dispose();
            _pass = null;
        }
    }

    /// <summary>Waits for <paramref name="delay"/> on <paramref name="time"/> or a request, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken ct)
    {
        Task signal;
        lock (_lock)
        {
            signal = _signal.Task;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(delay, time, cts.Token);
        await Task.WhenAny(signal, timer);
        await cts.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

namespace ModelSync.Daemon.Requests;

/// <summary>
/// Wakes the connections waiting for models when the store changes (a publication, a condemnation): raised from
/// <c>StoreChanges</c> at the composition root. A waiter also looks again after <see cref="LookEvery"/>, which
/// covers what raises no store change (a failure recorded in the inventory).
/// </summary>
internal sealed class ModelReadyWatch
{
    public static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private TaskCompletionSource _next = New();

    public void Pulse()
    {
        TaskCompletionSource fired;
        lock (_lock)
        {
            fired = _next;
            _next = New();
        }

        fired.TrySetResult();
    }

    /// <summary>Completes at the next pulse or after <see cref="LookEvery"/>, whichever comes first.</summary>
    public async Task NextAsync(TimeProvider time, CancellationToken ct)
    {
        Task pulse;
        lock (_lock)
        {
            pulse = _next.Task;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAny(pulse, Task.Delay(LookEvery, time, cts.Token));
        await cts.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

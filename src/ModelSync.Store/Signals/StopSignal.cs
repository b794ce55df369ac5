using System.Runtime.InteropServices;

namespace ModelSync.Store.Signals;

/// <summary>
/// SIGTERM and SIGINT as a cancellation, for the daemon's one-shot verbs and the gate: the default (die at
/// once) would leave a sync's <c>Downloading</c> in the inventory, or keep a deleted pod's init container
/// until the kubelet's grace period ends in SIGKILL. The first signal cancels <see cref="Token"/>; the
/// caller stops where it can and exits with its own code. A second signal while stopping is left to the
/// default and kills at once, as an impatient operator expects.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _int;

    public StopSignal()
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>The signal that arrived first; null while none did.</summary>
    public PosixSignal? Signal { get; private set; }

    public void Dispose()
    {
        _term.Dispose();
        _int.Dispose();
        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Signal is not null)
        {
            return;
        }

        context.Cancel = true;
        Signal = context.Signal;
        _cts.Cancel();
    }
}

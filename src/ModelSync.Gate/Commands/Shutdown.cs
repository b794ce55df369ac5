using System.Runtime.InteropServices;

namespace ModelSync.Gate.Commands;

/// <summary>
/// Turns SIGTERM/SIGINT into a cancellation, so a pod deleted while its init container waits stops
/// at once instead of after the kubelet's grace period (and SIGKILL).
/// </summary>
internal sealed class Shutdown : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _int;

    public Shutdown()
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    public string? Signal { get; private set; }

    public void Dispose()
    {
        _term.Dispose();
        _int.Dispose();
        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel the default termination: the wait loop notices the token, prints why and exits 1.
        context.Cancel = true;
        Signal = context.Signal.ToString();
        _cts.Cancel();
    }
}

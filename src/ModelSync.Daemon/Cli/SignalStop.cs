using System.Runtime.InteropServices;

namespace ModelSync.Daemon.Cli;

/// <summary>
/// SIGTERM and SIGINT as a cancellation for a one-shot verb, as the host gives <c>run</c>: the default
/// (die at once) would leave <c>Downloading</c> in the inventory and a resume record behind the bytes on
/// disk. The verb stops at a resumable point, flushes, and exits <see cref="ExitCodes.Stopped"/>.
/// A second signal while stopping kills at once, as an impatient operator expects.
/// </summary>
internal sealed class SignalStop : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _int;

    public SignalStop()
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
            return; // the second one: let the default terminate the process
        }

        context.Cancel = true;
        Signal = context.Signal;
        _cts.Cancel();
    }
}

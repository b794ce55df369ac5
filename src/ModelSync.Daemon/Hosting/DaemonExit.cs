using ModelSync.Daemon.Cli;

namespace ModelSync.Daemon.Hosting;

/// <summary>The exit code of run mode: 0 after a clean shutdown, set by whatever stopped the host otherwise.</summary>
internal sealed class DaemonExit
{
    private int _code = ExitCodes.Ok;

    public int Code => Volatile.Read(ref _code);

    public void Fail(int code) => Interlocked.CompareExchange(ref _code, code, ExitCodes.Ok);
}

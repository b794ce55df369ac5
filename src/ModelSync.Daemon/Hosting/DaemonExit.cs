namespace ModelSync.Daemon.Hosting;

/// <summary>How run mode ended: cleanly (SIGTERM), or stopped by a part that failed. The command maps this
/// to an exit code, so the host knows outcomes, not the command line's numbers.</summary>
internal sealed class DaemonExit
{
    private int _failed;

    public bool Failed => Volatile.Read(ref _failed) != 0;

    public void Fail() => Interlocked.Exchange(ref _failed, 1);
}

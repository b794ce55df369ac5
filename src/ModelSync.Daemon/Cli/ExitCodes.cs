namespace ModelSync.Daemon.Cli;

/// <summary>Exit codes shared by every verb (docs/daemon.md).</summary>
public static class ExitCodes
{
    /// <summary>Everything asked for is done: every model Ready, the manifest valid, no corruption.</summary>
    public const int Ok = 0;

    /// <summary>At least one model Failed or is corrupted; the others were still synced.</summary>
    public const int Failed = 1;

    /// <summary>Bad manifest or bad command line; nothing on disk was changed.</summary>
    public const int Usage = 2;

    /// <summary>The store cannot be used: lock held by another writer, root not writable.</summary>
    public const int StoreUnusable = 3;

    /// <summary>A live operation asked the running daemon, which could not answer (busy past the wait, or gone mid-request).</summary>
    public const int DaemonUnavailable = 4;

    /// <summary>Stopped by a signal at a resumable point: 128 + the signal number, as shells report it
    /// (130 for SIGINT, 143 for SIGTERM). The inventory and resume records were flushed first.</summary>
    public static int Stopped(System.Runtime.InteropServices.PosixSignal signal) =>
        signal == System.Runtime.InteropServices.PosixSignal.SIGINT ? 130 : 143;
}

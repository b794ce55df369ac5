namespace ModelSync.Gate.Cli;

/// <summary>The gate's exit codes (docs/gate.md); a pod spec or script branches on these.</summary>
internal static class ExitCodes
{
    /// <summary>Every required model validated.</summary>
    public const int Valid = 0;

    /// <summary>At least one required model is not valid, the wait timed out, or SIGTERM arrived.</summary>
    public const int NotValid = 1;

    /// <summary>Bad command line or environment; nothing was checked. Also: the plain wait or <c>--check</c> was
    /// asked for an on-demand model, which needs a pin form (docs/gate.md, "On-demand models").</summary>
    public const int Usage = 2;

    /// <summary>No inventory, or a corrupt one, at the end of the wait or on <c>--check</c>.</summary>
    public const int StoreUnreadable = 3;

    /// <summary>Waiting cannot help: the daemon is live and idle, and a required model has been absent from the
    /// inventory, or parked on a failure retrying cannot change, for the whole <c>--absent-grace</c>.</summary>
    public const int CannotSucceed = 4;

    /// <summary><c>-- CMD</c>: CMD was found but execve refused it (as a shell reports it).</summary>
    public const int CannotExecute = 126;

    /// <summary><c>-- CMD</c>: CMD was not found (as a shell reports it).</summary>
    public const int CommandNotFound = 127;
}

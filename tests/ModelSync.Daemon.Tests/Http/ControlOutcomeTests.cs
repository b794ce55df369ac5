using ModelSync.Daemon.Cli;
using ModelSync.Daemon.Http;

namespace ModelSync.Daemon.Tests.Http;

/// <summary>The outcome of a live operation is one exit code for the verb and in the daemon's log (event 2401):
/// <see cref="ControlOutcome.ExitCode"/> writes the numbers of <see cref="ExitCodes"/>, which its layer cannot name.</summary>
public sealed class ControlOutcomeTests
{
    [Theory]
    [InlineData(ControlOutcome.Ok, ExitCodes.Ok)]
    [InlineData(ControlOutcome.Failed, ExitCodes.Failed)]
    [InlineData(ControlOutcome.Usage, ExitCodes.Usage)]
    [InlineData(ControlOutcome.Busy, ExitCodes.DaemonUnavailable)]
    public void ExitCode_IsTheSharedExitCode(string outcome, int exit) => Assert.Equal(exit, ControlOutcome.ExitCode(outcome));
}

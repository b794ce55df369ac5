using ModelSync.Daemon.Cli;

namespace ModelSync.Daemon.Tests.Cli;

public sealed class DaemonCliTests
{
    [Theory]
    [InlineData(new string[0], new[] { "run" })]
    [InlineData(new[] { "--manifest", "m.yaml" }, new[] { "run", "--manifest", "m.yaml" })]
    [InlineData(new[] { "sync", "-m", "m.yaml" }, new[] { "sync", "-m", "m.yaml" })]
    [InlineData(new[] { "--help" }, new[] { "--help" })]
    [InlineData(new[] { "--version" }, new[] { "--version" })]
    public void WithDefaultVerb_Args_RunUnlessAVerbOrHelpIsGiven(string[] args, string[] expected) =>
        Assert.Equal(expected, DaemonCli.WithDefaultVerb(args));

    [Fact]
    public void Run_UnknownOption_Exit2NamingIt()
    {
        var (exit, _, stderr) = DaemonProcess.Run("sync", "--no-such-option");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--no-such-option", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SyncWithMissingManifest_Exit2NamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"modelsync-missing-{Guid.NewGuid():N}.yaml");

        var (exit, _, stderr) = DaemonProcess.Run("sync", "--manifest", missing);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }
}

using ModelSync.Daemon.Cli;
using ModelSync.Daemon.IntegrationTests.Infrastructure;

namespace ModelSync.Daemon.Tests.Cli;

public sealed class DaemonCliTests
{
    [Theory]
    [InlineData(new[] { "--manifest", "m.yaml" }, new[] { "run", "--manifest", "m.yaml" })]
    [InlineData(new[] { "sync", "-m", "m.yaml" }, new[] { "sync", "-m", "m.yaml" })]
    [InlineData(new[] { "--help" }, new[] { "--help" })]
    [InlineData(new[] { "--version" }, new[] { "--version" })]
    [InlineData(new string[0], new string[0])]
    public void WithDefaultVerb_Args_RunUnlessAVerbOrHelpIsGiven(string[] args, string[] expected) =>
        Assert.Equal(expected, DaemonCli.WithDefaultVerb(args));

    [Fact]
    public void Run_UnknownOption_Exit2NamingIt()
    {
        var (exit, _, stderr) = DaemonRunner.Run("sync", "--no-such-option");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--no-such-option", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SyncWithMissingManifest_Exit2NamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"modelsync-missing-{Guid.NewGuid():N}.yaml");

        var (exit, _, stderr) = DaemonRunner.Run("sync", "--manifest", missing);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoArguments_HelpOnStdoutExit2()
    {
        var (exit, stdout, _) = DaemonRunner.Run();

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("validate <file>", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc/modelsync/models.yaml", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "help" }, "ModelSync.Daemon [command] [options]")]
    [InlineData(new[] { "help", "sync" }, "ModelSync.Daemon sync [options]")]
    public void Run_HelpVerb_PrintsTheHelpExit0(string[] args, string usage)
    {
        var (exit, stdout, stderr) = DaemonRunner.Run(args);

        Assert.Equal((ExitCodes.Ok, ""), (exit, stderr));
        Assert.Contains(usage, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RunHelp_EachDefaultShownOnce()
    {
        var (exit, stdout, _) = DaemonRunner.Run("run", "--help");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(stdout, System.Text.RegularExpressions.Regex.Escape(RunCommand.DefaultListen)));
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(stdout, RunCommand.DefaultScrubRate));
    }

    [Fact]
    public void Run_SyncOfNoModels_LogsTheDurationAsTheManifestWritesIt()
    {
        using var store = new TestStore();
        var manifest = Path.Combine(store.Dir, "empty.yaml");
        File.WriteAllText(manifest, $"store:\n  root: {store.Root}\nmodels: []\n");

        var (exit, _, stderr) = DaemonRunner.Run("sync", "--manifest", manifest);

        Assert.True(exit == ExitCodes.Ok, stderr);
        var finished = Assert.Single(stderr.Split('\n'), l => l.Contains("Reconcile finished", StringComparison.Ordinal));
        Assert.Matches(@" in (?=\d)(\d+s)?(\d+ms)?$", finished.TrimEnd());
        Assert.DoesNotContain("00:00:", finished, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ListenWithoutScheme_Exit2InOneLineWithTheUrlMeant()
    {
        using var store = new TestStore();
        var manifest = Path.Combine(store.Dir, "empty.yaml");
        File.WriteAllText(manifest, $"store:\n  root: {store.Root}\nmodels: []\n");

        var (exit, _, stderr) = DaemonRunner.Run("run", "--manifest", manifest, "--listen", "127.0.0.1:19096");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("--listen: '127.0.0.1:19096' has no scheme; write http://127.0.0.1:19096", stderr.Trim());
    }

    [Fact]
    public void Run_ListenPortInUse_OneClearLineNoStackTraceNoListeningOn()
    {
        using var store = new TestStore();
        var manifest = Path.Combine(store.Dir, "empty.yaml");
        File.WriteAllText(manifest, $"store:\n  root: {store.Root}\nmodels: []\n");
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";

        var (exit, _, stderr) = DaemonRunner.Run("run", "--manifest", manifest, "--listen", url);

        Assert.Equal(ExitCodes.Failed, exit);
        var line = Assert.Single(stderr.Split('\n'), l => l.Contains(url, StringComparison.Ordinal));
        Assert.Contains($"cannot listen on {url}: the address is in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Listening on", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }
}

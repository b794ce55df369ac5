using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Cli;

/// <summary><c>--log-level</c> and <c>MODELSYNC_LOG_LEVEL</c>: the debug events can be seen, the routine ones silenced.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class LogLevelTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output)
{
    [Fact]
    public async Task Sync_LogLevelDebugFromTheEnvironment_PrintsDebugEvents()
    {
        var manifest = OneFile();

        var result = await DaemonRunner.RunWithEnvironmentAsync(Output, new Dictionary<string, string> { ["MODELSYNC_LOG_LEVEL"] = "debug" }, "sync", "--manifest", manifest);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(" DBG m@v1: 1 of 1 files in flight at once", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_LogLevelWarning_NoInformationLines()
    {
        var manifest = OneFile();

        var result = await DaemonRunner.RunAsync(Output, "sync", "--manifest", manifest, "--log-level", "warning");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(" INF ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(ModelSync.Store.Inventory.ModelState.Ready, Store.Entry("m").State);
    }

    [Fact]
    public async Task Sync_UnknownLogLevel_UsageErrorNamingTheOption()
    {
        var result = await DaemonRunner.RunAsync(Output, "sync", "--manifest", OneFile(), "--log-level", "loud");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'loud'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--log-level", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", result.Stderr, StringComparison.Ordinal); // the option exists; its value is wrong
    }

    [Fact]
    public async Task Sync_UnknownLogLevelInTheEnvironment_UsageErrorNamingTheVariable()
    {
        var result = await DaemonRunner.RunWithEnvironmentAsync(Output, new Dictionary<string, string> { ["MODELSYNC_LOG_LEVEL"] = "loud" }, "sync", "--manifest", OneFile());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("MODELSYNC_LOG_LEVEL: 'loud' is not one of", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Store.Root, "inventory.json"))); // nothing synced
    }

    private string OneFile()
    {
        byte[] content = [1, 2, 3];
        Server.Route($"{Scope}/v1/f.bin", r => r.ServeAsync(content));
        return Store.WriteManifest(new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("f.bin", content)]));
    }
}

using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Cli;

/// <summary>
/// <c>--log-level</c> / <c>MODELSYNC_LOG_LEVEL</c> (the debug events can be seen, the routine ones silenced) and
/// <c>MODELSYNC_LOG_FORMAT</c>: a value that is no name is a usage error, never quietly the default.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class LoggingOptionsTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output)
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

    [Theory]
    [InlineData("MODELSYNC_LOG_FORMAT", "jsonl", "text, json")]
    [InlineData("MODELSYNC_LOG_FORMAT", "1", "text, json")] // an enum's number is no name
    [InlineData("MODELSYNC_LOG_FORMAT", "text,json", "text, json")] // nor is a list of them
    [InlineData("MODELSYNC_LOG_LEVEL", "3", "verbose, debug")]
    public async Task Sync_NoNameInTheEnvironment_UsageErrorListingTheNames(string variable, string value, string names)
    {
        var result = await DaemonRunner.RunWithEnvironmentAsync(Output, new Dictionary<string, string> { [variable] = value }, "sync", "--manifest", OneFile());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{variable}: '{value}' is not one of {names}", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Store.Root, "inventory.json")));
    }

    [Theory]
    [InlineData("--log-level", "9", "verbose, debug")] // would silence every event
    [InlineData("--log-format", "1", "text, json")]
    [InlineData("--log-format", "text,json", "text, json")]
    public async Task Sync_NoNameInAnOption_UsageErrorListingTheNames(string option, string value, string names)
    {
        var result = await DaemonRunner.RunAsync(Output, "sync", "--manifest", OneFile(), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{option}: '{value}' is not one of {names}", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Store.Root, "inventory.json")));
    }

    [Fact]
    public async Task Sync_LogLevelOptionOverTheEnvironment_OptionWins()
    {
        var result = await DaemonRunner.RunWithEnvironmentAsync(
            Output, new Dictionary<string, string> { ["MODELSYNC_LOG_LEVEL"] = "loud" }, "sync", "--manifest", OneFile(), "--log-level", "Debug");

        Assert.Equal(0, result.ExitCode); // the variable is not read when the option says
        Assert.Contains(" DBG ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_LogFormatJsonFromTheEnvironment_OneJsonObjectPerLine()
    {
        var result = await DaemonRunner.RunWithEnvironmentAsync(Output, new Dictionary<string, string> { ["MODELSYNC_LOG_FORMAT"] = "JSON" }, "sync", "--manifest", OneFile(), "--log-level", "information");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Equal(System.Text.Json.JsonValueKind.Object, System.Text.Json.JsonDocument.Parse(line).RootElement.ValueKind));
    }

    private string OneFile()
    {
        byte[] content = [1, 2, 3];
        Server.Route($"{Scope}/v1/f.bin", r => r.ServeAsync(content));
        return Store.WriteManifest(new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("f.bin", content)]));
    }
}

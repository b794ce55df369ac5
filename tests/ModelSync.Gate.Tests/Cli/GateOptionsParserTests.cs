using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Cli;

public sealed class GateOptionsParserTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("--bogus", "unknown option '--bogus'")]
    [InlineData("stray", "unexpected argument 'stray'")]
    [InlineData("--timeout 5x", "--timeout: '5x' is not a duration")]
    [InlineData("--timeout 10", "--timeout: '10' is not a duration")]
    [InlineData("--interval 0s", "--interval: '0s' is not a positive duration")]
    [InlineData("--timeout 5m5m", "--timeout: '5m5m' is not a duration")] // the daemon's grammar: each unit once, largest first
    [InlineData("--timeout 30s1m", "--timeout: '30s1m' is not a duration")]
    [InlineData("--timeout 597h", "--timeout: '597h' is not a duration such as 500ms, 2s, 5m, 1h30m (at most 596h31m23s647ms)")] // over the ~24.8 days a wait can take
    [InlineData("--interval -1s", "--interval: '-1s' is not a positive duration")]
    [InlineData("--timeout s", "--timeout: 's' is not a duration")]
    [InlineData("--timeout 1234567h", "--timeout: '1234567h' is not a duration")]
    [InlineData("--timeout 999999h999999h", "--timeout: '999999h999999h' is not a duration")]
    [InlineData("--require Finbert", "--require: 'Finbert' is not NAME or NAME@VERSION")]
    [InlineData("--require finbert@", "--require: 'finbert@' is not NAME or NAME@VERSION")]
    [InlineData("--verify sha", "--verify: 'sha' is not size or full")]
    [InlineData("--absent-grace 5x", "--absent-grace: '5x' is not a duration")]
    [InlineData("--root", "option '--root' needs a value")]
    [InlineData("--check=yes", "option '--check' takes no value")]
    public void Parse_BadArgument_Exits2WithOneLineNamingIt(string args, string message)
    {
        var result = GateProcess.Run(log, args.Split(' '), null);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        var line = Assert.Single(result.Stderr);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Version_PrintsTheVersionExit0()
    {
        var result = GateProcess.Run(log, ["--version"], null);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^ModelSync\.Gate \d+\.\d+\.\d+", Assert.Single(result.Stdout));
    }

    [Theory]
    [InlineData("MODELSYNC_TIMEOUT", "forever")]
    [InlineData("MODELSYNC_VERIFY", "quick")]
    [InlineData("MODELSYNC_CHECK", "maybe")]
    [InlineData("MODELSYNC_REQUIRE", "a@b@c")]
    [InlineData("MODELSYNC_ABSENT_GRACE", "soon")]
    public void Parse_BadEnvironmentValue_Exits2NamingTheVariable(string variable, string value)
    {
        var result = GateProcess.Run(log, [], new Dictionary<string, string> { [variable] = value });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{variable}: '{value}'", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EnvironmentOnly_ConfiguresEveryOption()
    {
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10))), StoreBuilder.Downloading("other", "1", 0, 1));
        var env = new Dictionary<string, string>
        {
            ["MODELSYNC_ROOT"] = _store.Root,
            ["MODELSYNC_REQUIRE"] = "finbert@1",
            ["MODELSYNC_TIMEOUT"] = "1h30m",
            ["MODELSYNC_INTERVAL"] = "500ms",
            ["MODELSYNC_VERIFY"] = "full",
            ["MODELSYNC_CHECK"] = "1",
            ["MODELSYNC_JSON"] = "true",
        };

        var result = GateProcess.Run(log, [], env);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"verify\": \"full\"", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("other", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("500ms")]
    [InlineData("2s")]
    [InlineData("5m")]
    [InlineData("1h")]
    [InlineData("1h30m")]
    [InlineData("1m500ms")]
    [InlineData("1.5h")]
    [InlineData("596h")]
    public void Parse_DurationInTheManifestGrammar_Accepted(string timeout)
    {
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10))));

        var result = GateProcess.Run(log, ["--root", _store.Root, "--timeout", timeout, "--check"], null);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Parse_EmptyEnvironmentValues_TreatedAsUnset()
    {
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10))));
        var env = new Dictionary<string, string>
        {
            ["MODELSYNC_ROOT"] = _store.Root,
            ["MODELSYNC_REQUIRE"] = "",
            ["MODELSYNC_TIMEOUT"] = "",
            ["MODELSYNC_INTERVAL"] = "",
            ["MODELSYNC_VERIFY"] = "",
        };

        var result = GateProcess.Run(log, ["--check"], env);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("finbert", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommandLineAndEnvironment_CommandLineWins()
    {
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10))));
        var env = new Dictionary<string, string> { ["MODELSYNC_ROOT"] = "/nonexistent", ["MODELSYNC_VERIFY"] = "bogus", ["MODELSYNC_CHECK"] = "false" };

        var result = GateProcess.Run(log, ["--root", _store.Root, "--verify=full", "--check"], env);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(full verified)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyRequireVariable_MeansEveryModel()
    {
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10))));

        var result = GateProcess.Run(log, ["--root", _store.Root, "--check"], new Dictionary<string, string> { ["MODELSYNC_REQUIRE"] = "" });

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("OK    finbert@1", result.Stdout[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Help_PrintsUsageAndExits0()
    {
        var result = GateProcess.Run(log, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: ModelSync.Gate [--root DIR]", result.Out, StringComparison.Ordinal);
    }
}

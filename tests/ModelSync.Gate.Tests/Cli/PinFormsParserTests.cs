using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Cli;

/// <summary>The two forms that pin (<c>-- CMD</c>, <c>--hold</c>) on the real binary: what they refuse, and that
/// the exec form leaves the service default signal dispositions and an empty mask.</summary>
public sealed class PinFormsParserTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("--hold", "pinning needs an explicit --require")]
    [InlineData("-- /bin/true", "pinning needs an explicit --require")]
    [InlineData("--require m --", "nothing to run after '--'")]
    [InlineData("--require m --hold -- /bin/true", "'-- CMD' and --hold are two forms of pinning: use one")]
    [InlineData("--require m --hold --check", "--check pins nothing")]
    [InlineData("--require m --json -- /bin/true", "--json cannot go with '-- CMD' or --hold")]
    [InlineData("--require m --paths-file /tmp/p", "--paths-file (MODELSYNC_PATHS_FILE) needs --hold")]
    public void Parse_PinFormMisused_Exits2WithOneLine(string args, string message)
    {
        var result = GateProcess.Run(log, args.Split(' '), null);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.Stderr), StringComparison.Ordinal);
    }

    [Fact]
    public void Hold_EmptyRequireVariable_IsNoRequire_Exits2()
    {
        var result = GateProcess.Run(log, ["--hold"], new Dictionary<string, string> { ["MODELSYNC_REQUIRE"] = "" });

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void Exec_ServiceGetsDefaultSignalsAnEmptyMaskItsPathsAndArguments_AndItsExitCode()
    {
        _store.WriteInventory(_store.Publish("finbert-base", "1", ("a", StoreBuilder.Bytes(10))));
        // /proc/self/status of the service: SigBlk (mask) and SigIgn (ignored) must be all zero.
        var result = GateProcess.Run(log, ["--root", _store.Root, "--require", "finbert-base", "--",
            "/bin/sh", "-c", "echo \"p=$MODELSYNC_PATH_FINBERT_BASE a=$0\"; grep -E '^Sig(Blk|Ign)' /proc/self/status; exit 7", "arg0"], null);

        Assert.Equal(7, result.ExitCode);
        Assert.Contains($"p={Path.GetFullPath(_store.Layout.VersionDir("finbert-base", "1"))} a=arg0", result.Stdout);
        Assert.Contains(result.Stdout, l => l.StartsWith("SigBlk:", StringComparison.Ordinal) && l.EndsWith("0000000000000000", StringComparison.Ordinal));
        Assert.Contains(result.Stdout, l => l.StartsWith("SigIgn:", StringComparison.Ordinal) && l.EndsWith("0000000000000000", StringComparison.Ordinal));
    }

    [Fact]
    public void Install_CopiesTheGateIntoADirectory_WhichRunsFromThere()
    {
        var dir = Path.Combine(_store.Root, "gate");
        Directory.CreateDirectory(dir);
        Assert.Equal(0, GateProcess.Run(log, "--install", dir).ExitCode);

        var copy = Path.Combine(dir, "ModelSync.Gate");
        Assert.True((File.GetUnixFileMode(copy) & UnixFileMode.OtherExecute) != 0);
        // Under the emulator the arm64 run uses (an arm64 copy does not start on the x64 host by itself).
        var start = ModelSync.TestKit.Emulator.StartInfo(copy);
        start.ArgumentList.Add("--version");
        start.RedirectStandardOutput = true;
        using var run = System.Diagnostics.Process.Start(start)!;
        Assert.StartsWith("ModelSync.Gate ", run.StandardOutput.ReadToEnd(), StringComparison.Ordinal);
        run.WaitForExit();
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void Hold_WritesItsPaths_ProbeSaysPinned_AndSigtermReleasesThemWithExit0()
    {
        _store.WriteInventory(_store.Publish("a-b", "1", ("a", StoreBuilder.Bytes(10))), _store.Publish("c", "2", ("c", StoreBuilder.Bytes(5))));
        var paths = Path.Combine(_store.Root, "paths");
        using var holder = GateProcess.Start(log, ["--root", _store.Root, "--require", "a-b,c", "--hold", "--paths-file", paths]);
        holder.WaitForLine(l => l == "holding 2 pin(s) until SIGTERM");

        Assert.Equal(
            $"a-b={Path.GetFullPath(_store.Layout.VersionDir("a-b", "1"))}\nc={Path.GetFullPath(_store.Layout.VersionDir("c", "2"))}\n",
            File.ReadAllText(paths));
        Assert.Equal(0, GateProcess.Run(log, "--pinned", paths).ExitCode);

        holder.Signal("TERM");
        var result = holder.WaitForExit();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("stopped by SIGTERM: pins released", result.Stdout);
        Assert.Equal(1, GateProcess.Run(log, "--pinned", paths).ExitCode);
    }

    [Fact]
    public void Hold_PathsFileCannotBeWritten_Exits1RatherThanHoldBlind()
    {
        _store.WriteInventory(_store.Publish("m", "1", ("a", StoreBuilder.Bytes(10))));
        var result = GateProcess.Run(log, ["--root", _store.Root, "--require", "m", "--hold", "--paths-file", Path.Combine(_store.Root, "no-dir", "paths")], null);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot write", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Exec_CommandNotFound_Exits127()
    {
        _store.WriteInventory(_store.Publish("m", "1", ("a", StoreBuilder.Bytes(10))));
        var result = GateProcess.Run(log, ["--root", _store.Root, "--require", "m", "--", "no-such-command-here"], null);

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("not found", result.Err, StringComparison.Ordinal);
    }
}

using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Commands;

/// <summary><c>--require-signed</c> and <c>MODELSYNC_REQUIRE_SIGNED</c> on the real gate: an unsigned version does not count.</summary>
public sealed class RequireSignedTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Check_UnsignedVersion_FailsWithTheFlagOrTheVariable_PassesWithout()
    {
        _store.WriteInventory(_store.Publish("bert", "v1", ("w.bin", StoreBuilder.Bytes(10))));
        string[] args = ["--check", "--root", _store.Root, "--require", "bert"];

        var plain = GateProcess.Run(log, args);
        var flag = GateProcess.Run(log, [.. args, "--require-signed"]);
        var variable = GateProcess.Run(log, args, new Dictionary<string, string> { ["MODELSYNC_REQUIRE_SIGNED"] = "true" });

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(1, flag.ExitCode);
        Assert.Contains("v1 has no verified model signature (required: --require-signed)", flag.Out + flag.Err, StringComparison.Ordinal);
        Assert.Equal(1, variable.ExitCode);
    }
}

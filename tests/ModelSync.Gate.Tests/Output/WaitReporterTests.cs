using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Output;

public sealed class WaitReporterTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Next_ProgressBelowStepThenAbove_PrintsOnlyOnStepAndStateChanges()
    {
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 10, 100));
        using var gate = GateProcess.Start(log, ["--root", _store.Root, "--interval", "20ms"]);
        gate.WaitForLine(l => l.EndsWith("(10%)", StringComparison.Ordinal));

        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 12, 100));
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 14, 100));
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 40, 100));
        gate.WaitForLine(l => l.EndsWith("(40%)", StringComparison.Ordinal));
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 41, 100) with { State = Store.Inventory.ModelState.Pending, Progress = null });
        gate.WaitForLine(l => l.EndsWith(": pending", StringComparison.Ordinal));
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(3))));
        var result = gate.WaitForExit();

        Assert.Equal(0, result.ExitCode);
        // Many polls ran on each state; each state printed once, and 12%/14% (< 5 points) never did.
        Assert.Equal(
            ["no MODELSYNC_REQUIRE: waiting for every model the inventory lists: finbert", "waiting for finbert@1: downloading 10 B of 100 B (10%)", "waiting for finbert@1: downloading 40 B of 100 B (40%)", "waiting for finbert@1: pending", "ready: finbert@1 (size verified)"],
            result.Stdout);
    }
}

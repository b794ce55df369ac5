using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Requests;

/// <summary>The plain wait and --check hold no pin, so they refuse an on-demand model (docs/gate.md, "On-demand
/// models"): exit 2, and never a <c>want</c>.</summary>
public sealed class OnDemandRefusalTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    private ModelEntry PublishX() => _store.Publish("x", "v1", ("model.bin", StoreBuilder.Bytes(64)));

    [Theory]
    [InlineData("--interval", "50ms")]
    [InlineData("--check", "--json")]
    public void Refusal_InventoryEntrySaysOnDemand_Exits2NamingTheModelAndThePinForms(params string[] form)
    {
        _store.WriteInventory(PublishX() with { OnDemand = true });

        var result = GateProcess.Run(log, ["--root", _store.Root, "--require", "x", .. form], null);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("ModelSync.Gate: x is an on-demand model (its inventory entry says onDemand): the plain gate and --check hold no pin, so the daemon cannot know this pod uses it and may evict it; use '-- CMD' or --hold (docs/gate.md, \"Pins\")", result.Err);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("--interval", "50ms")]
    [InlineData("--check")]
    public void Refusal_AbsentAndCheckAnswersOnDemand_Exits2WithoutAskingForIt(params string[] form)
    {
        _store.WriteInventory();
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, line) => line == "check x" ? "on-demand x\n" : null);

        var result = GateProcess.Run(log, ["--root", _store.Root, "--require", "x", "--timeout", "10m", .. form], null);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("x is an on-demand model (the daemon answers 'on-demand x')", result.Err, StringComparison.Ordinal);
        Assert.Equal(["check x"], daemon.Received);
    }

    [Fact]
    public void Refusal_AbsentAndCheckAnswersNo_WaitsAndPassesWhenThePreloadedModelArrives()
    {
        _store.WriteInventory();
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, line) => line == "check x" ? "no x is not an on-demand model\n" : null);
        using var gate = GateProcess.Start(log, ["--root", _store.Root, "--require", "x", "--interval", "50ms", "--timeout", "10m"]);

        Assert.Equal("check x", daemon.NextRequest());
        gate.WaitForLine(l => l == "waiting for x: not in the inventory");
        _store.WriteInventory(PublishX());
        var result = gate.WaitForExit();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["check x"], daemon.Received);
    }

    [Fact]
    public void Wait_NoRequireAndAnOnDemandEntry_WaitsOnlyForTheOthersAndAsksNothing()
    {
        var a = _store.Publish("a", "v1", ("w.bin", StoreBuilder.Bytes(8)));
        _store.WriteInventory(a, new ModelEntry { Name = "x", Version = "v1", State = ModelState.Pending, OnDemand = true });
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, _) => null);

        var result = GateProcess.Run(log, "--root", _store.Root, "--interval", "50ms", "--timeout", "0");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ready: a@v1 (size verified)", result.Out);
        Assert.Empty(daemon.Received);
    }
}

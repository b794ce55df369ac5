using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Commands;

public sealed class StoreProbeTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Run_InventoryReplacedInATightLoop_NeverReadsAsUnreadable()
    {
        var a = _store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(1000)));
        var b = _store.Publish("minilm", "1", ("b", StoreBuilder.Bytes(2000)));
        _store.WriteInventory(a, b);
        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(() =>
        {
            // The daemon's way: tmp + fsync + rename over the inventory, as fast as it can go.
            while (!stop.IsCancellationRequested)
            {
                _store.WriteInventory(a, b);
                writes++;
            }
        });

        var exitCodes = new List<int>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                exitCodes.Add(GateProcess.Run(log, ["--root", _store.Root, "--check"], null).ExitCode);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        log.WriteLine($"{writes} inventory replacements during {exitCodes.Count} checks");
        Assert.All(exitCodes, code => Assert.Equal(0, code));
    }
}

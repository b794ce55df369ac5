using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Requests;

/// <summary>The gate's reads from the request socket are bounded (docs/gate.md, "On-demand models").</summary>
public sealed class RequestClientTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Read_DaemonLineOf10KB_DropsTheConnectionAndKeepsPollingAndAsking()
    {
        _store.WriteInventory();
        var huge = new string('a', 10 * 1024) + "\n";
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (connection, line) =>
            line != "want x" ? null : connection == 1 ? huge : "fetching x\n");
        using var gate = GateProcess.Start(log, ["--root", _store.Root, "--require", "x", "--interval", "50ms", "--timeout", "10m", "--", "/bin/true"]);

        Assert.Equal("want x", daemon.NextRequest());
        var dropped = gate.WaitForLine(l => l.StartsWith("the daemon on ", StringComparison.Ordinal));
        // A later poll connects again and asks again; the inventory still decides.
        Assert.Equal("want x", daemon.NextRequest());
        _store.WriteInventory(_store.Publish("x", "v1", ("model.bin", StoreBuilder.Bytes(64))) with { OnDemand = true });
        var result = gate.WaitForExit();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"the daemon on {_store.Layout.RequestSocketPath} sent a line longer than 256 bytes: connection dropped; asking again at a later poll", dropped);
        Assert.Contains("asked the daemon for x: fetching", result.Stdout);
    }
}

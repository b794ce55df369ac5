using System.Net.Sockets;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Requests;

/// <summary>
/// The pin forms ask the daemon for what they lack (docs/gate.md, "On-demand models"). The daemon's socket is
/// played by <see cref="FakeRequestDaemon"/>; the store by <see cref="StoreBuilder"/>. No test times anything:
/// an --interval of 10m makes a wait that finishes prove it was woken, and the steps follow the gate's own lines.
/// </summary>
public sealed class OnDemandAskerTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    private static readonly string[] Service = ["--", "/bin/sh", "-c", "echo service ran"];

    private GateProcess Start(string interval, params string[] extra) =>
        GateProcess.Start(log, ["--root", _store.Root, "--interval", interval, "--timeout", "20m", .. extra]);

    private ModelEntry PublishX() => _store.Publish("x", "v1", ("model.bin", StoreBuilder.Bytes(64)));

    private static ModelEntry Pending(string name) => new() { Name = name, Version = "v1", State = ModelState.Pending, OnDemand = true };

    [Fact]
    public void Look_WantFetchingThenReady_WakesTheWaitLongBeforeItsInterval()
    {
        _store.WriteInventory();
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, line) => line == "want x" ? "fetching x\n" : null);
        using var gate = Start("10m", ["--require", "x", .. Service]);

        gate.WaitForLine(l => l == "asked the daemon for x: fetching");
        _store.WriteInventory(PublishX() with { OnDemand = true });
        daemon.SendToAll("ready x v1\n");
        var result = gate.WaitForExit();

        // Finished at all: with a 10m interval only the daemon's `ready` line can have woken it.
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.ToList();
        var fetching = lines.IndexOf("asked the daemon for x: fetching");
        var ready = lines.IndexOf("the daemon says x is ready (v1)");
        var pinned = lines.FindIndex(l => l.StartsWith("pinned x@v1 ", StringComparison.Ordinal));
        Assert.True(fetching >= 0 && fetching < ready && ready < pinned, string.Join('\n', lines));
        Assert.Contains("service ran", lines);
        Assert.Equal(["want x"], daemon.Received);
    }

    [Fact]
    public void Look_ReadyLineBeforeTheInventoryShowsIt_LooksAgainSoonInsteadOfAnInterval()
    {
        _store.WriteInventory();
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, line) => line == "want x" ? "fetching x\n" : null);
        using var gate = Start("10m", ["--require", "x", .. Service]);

        gate.WaitForLine(l => l == "asked the daemon for x: fetching");
        // The daemon's line first, its inventory write after: the wake finds nothing new, the looks after it do.
        daemon.SendToAll("ready x v1\n");
        gate.WaitForLine(l => l == "the daemon says x is ready (v1)");
        _store.WriteInventory(PublishX() with { OnDemand = true });
        var result = gate.WaitForExit();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("service ran", result.Stdout);
    }

    [Fact]
    public void Look_DaemonAnswersNo_PrintsItOnceKeepsWaitingThenGivesUpAsBefore()
    {
        // A live daemon with a download under way: the gate cannot give up until the test ends the download.
        var writer = new WriterInfo { Pid = 7, Host = "node-a", Mode = "run", StartedAt = DateTimeOffset.UtcNow.AddHours(-1), HeartbeatAt = DateTimeOffset.UtcNow };
        void Write(params ModelEntry[] models) =>
            InventoryFile.Write(_store.Layout, new StoreInventory { Generation = 1, WrittenAt = DateTimeOffset.UtcNow, Node = "node-a", Writer = writer, Models = models });
        var other = _store.Publish("other", "v1", ("w.bin", StoreBuilder.Bytes(8)));
        Write(StoreBuilder.Downloading("other", "v2", 1, 10, previous: other));
        using var storeLock = StoreLock.TryAcquire(_store.Layout) ?? throw new InvalidOperationException("the store lock is taken");
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, line) => line == "want ghost" ? "no ghost is not in the manifest\n" : null);
        using var gate = Start("50ms", ["--require", "ghost", "--absent-grace", "0", .. Service]);

        gate.WaitForLine(l => l == "asked the daemon for ghost: no, ghost is not in the manifest");
        writer = writer with { HeartbeatAt = DateTimeOffset.UtcNow };
        Write(other);
        var result = gate.WaitForExit();

        Assert.Equal(4, result.ExitCode);
        Assert.Single(result.Stdout, l => l.StartsWith("asked the daemon for ghost", StringComparison.Ordinal));
        Assert.Contains(result.Stdout, l => l.StartsWith("cannot succeed after ", StringComparison.Ordinal));
        Assert.DoesNotContain("service ran", result.Stdout);
        Assert.Equal(["want ghost"], daemon.Received);
    }

    [Fact]
    public void Look_PreloadedModelStillDownloading_AsksNothing()
    {
        _store.WriteInventory(StoreBuilder.Downloading("x", "v1", 32, 64));
        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, _) => "no x is not an on-demand model\n");
        using var gate = Start("50ms", ["--require", "x", .. Service]);

        gate.WaitForLine(l => l.StartsWith("waiting for x@v1: downloading", StringComparison.Ordinal));
        _store.WriteInventory(PublishX());
        var result = gate.WaitForExit();

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(daemon.Received);
        Assert.DoesNotContain(result.Stdout, l => l.Contains("daemon", StringComparison.Ordinal));
    }

    [Fact]
    public void Look_NoSocket_SaysSoOnceAndPassesWhenTheModelAppearsInTheInventory()
    {
        _store.WriteInventory();
        using var gate = Start("50ms", ["--require", "x", .. Service]);

        var said = gate.WaitForLine(l => l.StartsWith("no daemon answers on ", StringComparison.Ordinal));
        // Later polls (each tries the socket again, quietly) show in the inventory's lines.
        _store.WriteInventory(Pending("x"));
        gate.WaitForLine(l => l == "waiting for x@v1: pending");
        _store.WriteInventory(StoreBuilder.Downloading("x", "v1", 32, 64) with { OnDemand = true });
        gate.WaitForLine(l => l.StartsWith("waiting for x@v1: downloading", StringComparison.Ordinal));
        _store.WriteInventory(PublishX() with { OnDemand = true });
        var result = gate.WaitForExit();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"no daemon answers on {_store.Layout.RequestSocketPath} (no socket there): on-demand models cannot be asked for; waiting for the inventory", said);
        Assert.Single(result.Stdout, l => l.StartsWith("no daemon answers on ", StringComparison.Ordinal));
        Assert.Contains("service ran", result.Stdout);
    }

    [Fact]
    public void Look_DaemonComesBackLater_AsksAgainOnTheNewSocket()
    {
        _store.WriteInventory();
        using var gate = Start("50ms", ["--require", "x", .. Service]);
        gate.WaitForLine(l => l.StartsWith("no daemon answers on ", StringComparison.Ordinal));

        using var daemon = new FakeRequestDaemon(_store.Layout.RequestSocketPath, (_, line) => line == "want x" ? "fetching x\n" : null);
        Assert.Equal("want x", daemon.NextRequest());
        _store.WriteInventory(PublishX() with { OnDemand = true });
        daemon.SendToAll("ready x v1\n");
        var result = gate.WaitForExit();

        Assert.Equal(0, result.ExitCode);
        Assert.Single(result.Stdout, l => l.StartsWith("no daemon answers on ", StringComparison.Ordinal));
    }

    [Fact]
    public void Look_SocketFileWithoutListener_SaysConnectionRefused()
    {
        _store.WriteInventory();
        // Bound but not listening: a socket nobody accepts on (as a daemon that died leaves one).
        Directory.CreateDirectory(_store.Layout.StateDir);
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(_store.Layout.RequestSocketPath));

        var result = GateProcess.Run(log, "--root", _store.Root, "--require", "x", "--interval", "50ms", "--timeout", "0", "--hold");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"no daemon answers on {_store.Layout.RequestSocketPath} (connection refused): on-demand models cannot be asked for; waiting for the inventory", result.Stdout[0]);
    }
}

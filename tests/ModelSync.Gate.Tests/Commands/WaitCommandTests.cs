using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Commands;

public sealed class WaitCommandTests(ITestOutputHelper log) : IDisposable
{
    private const long GiB = 1L << 30;
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    private string[] Args(params string[] extra) => ["--root", _store.Root, "--interval", "50ms", "--timeout", "10m", .. extra];

    [Fact]
    public void Wait_DownloadingBecomesReady_PrintsWaitingThenReadyAndExits0()
    {
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "2024-06", (long)(1.2 * GiB), (long)(3.4 * GiB)));
        using var gate = GateProcess.Start(log, Args());

        var waiting = gate.WaitForLine(l => l.StartsWith("waiting", StringComparison.Ordinal));
        _store.WriteInventory(_store.Publish("finbert", "2024-06", ("config.json", StoreBuilder.Bytes(100))));
        var result = gate.WaitForExit();

        Assert.Equal("waiting for finbert@2024-06: downloading 1.2 GiB of 3.4 GiB (35%)", waiting);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ready: finbert@2024-06 (size verified)", result.Stdout[^1]);
    }

    [Fact]
    public void Wait_InventoryAppearsLater_WaitsThenPasses()
    {
        using var gate = GateProcess.Start(log, Args("--require", "finbert"));

        Assert.Equal($"waiting: no inventory at {_store.Layout.InventoryPath}", gate.WaitForLine(_ => true));
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10))));

        Assert.Equal(0, gate.WaitForExit().ExitCode);
    }

    [Fact]
    public void Wait_FailedWithRetry_PrintsReasonAttemptAndNextRetry()
    {
        _store.WriteInventory(new ModelEntry
        {
            Name = "finbert",
            Version = "2024-06",
            State = ModelState.Failed,
            Error = new ModelError { Reason = "ChecksumMismatch", Message = "sha256 differs", Attempts = 3, NextRetryAt = DateTimeOffset.Parse("2026-11-24T18:02:11Z") },
        });

        var result = GateProcess.Run(log, ["--root", _store.Root, "--timeout", "0"], null);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("waiting for finbert@2024-06: Failed: ChecksumMismatch: sha256 differs (after 3 attempts, next retry 18:02:11Z)", result.Stdout[1]);
    }

    [Fact]
    public void Wait_Timeout_Exits1WithTheLastProblems()
    {
        _store.WriteInventory(_store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(10))));
        File.Delete(_store.FilePath("finbert", "1", "a"));

        var result = GateProcess.Run(log, ["--root", _store.Root, "--timeout", "200ms", "--interval", "50ms"], null);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["no MODELSYNC_REQUIRE: waiting for every model the inventory lists: finbert", "waiting for finbert@1: a: missing", "timed out after 200ms; not valid:", "  finbert@1: a: missing"], result.Stdout);
    }

    [Fact]
    public void Wait_TimeoutWithoutInventory_Exits3()
    {
        var result = GateProcess.Run(log, ["--root", _store.Root, "--timeout", "100ms", "--interval", "50ms"], null);

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("timed out after 100ms: no inventory at ", result.Stdout[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Wait_Sigterm_ExitsWith1AndSaysWhy()
    {
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 0, 10));
        using var gate = GateProcess.Start(log, ["--root", _store.Root, "--interval", "1h"]);
        gate.WaitForLine(l => l.StartsWith("waiting", StringComparison.Ordinal));

        gate.Signal("TERM");
        var result = gate.WaitForExit();

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("stopped by SIGTERM", result.Stdout[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Wait_SigtermWithJson_StdoutStillHasOneInvalidDocument()
    {
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 0, 10));
        using var gate = GateProcess.Start(log, ["--root", _store.Root, "--interval", "1h", "--json"]);
        gate.WaitForLine(l => l.StartsWith("waiting", StringComparison.Ordinal), stderr: true);

        gate.Signal("TERM");
        var result = gate.WaitForExit();

        Assert.Equal(1, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(string.Join('\n', result.Stdout));
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void Wait_PreviousVersionWhileNewDownloads_PassesAtOnce()
    {
        var old = _store.Publish("finbert", "2024-01", ("a", StoreBuilder.Bytes(10)));
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "2024-06", 1, 10, previous: old));

        var result = GateProcess.Run(log, Args());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["ready: finbert@2024-01 (size verified)"], result.Stdout);
    }

    [Fact]
    public void Wait_JsonMode_KeepsStdoutOneDocumentAndWaitsOnStderr()
    {
        _store.WriteInventory(StoreBuilder.Downloading("finbert", "1", 0, 10));

        var result = GateProcess.Run(log, ["--root", _store.Root, "--timeout", "0", "--json"], null);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("waiting for finbert@1", result.Stderr[1], StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
    }
}

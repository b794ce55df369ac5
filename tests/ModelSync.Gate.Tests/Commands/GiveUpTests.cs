using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Commands;

/// <summary>
/// Exit 4: the wait gives up early only when waiting cannot help (docs/gate.md, "Giving up early"). The daemon is
/// played by this test process: it holds the store lock (a flock the gate sees held) and writes a <c>run</c>
/// writer with a fresh heartbeat. No test times anything: a grace of 0 gives up at the first look, a longer one
/// cannot give up at the first look (its clock starts there), and the keep-waiting cases end on their timeout.
/// </summary>
public sealed class GiveUpTests(ITestOutputHelper log) : IDisposable
{
    private const string Sha256Differs = "sha256 differs";
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    private static WriterInfo RunWriter(TimeSpan? silentFor = null) => new()
    {
        Pid = 7,
        Host = "node-a",
        Mode = "run",
        StartedAt = DateTimeOffset.UtcNow.AddHours(-1),
        HeartbeatAt = DateTimeOffset.UtcNow - (silentFor ?? TimeSpan.Zero),
    };

    private void WriteInventory(WriterInfo? writer, params ModelEntry[] models) =>
        InventoryFile.Write(_store.Layout, new StoreInventory { Generation = 1, WrittenAt = DateTimeOffset.UtcNow, Node = "node-a", Writer = writer, Models = models });

    private StoreLock HoldLock() => StoreLock.TryAcquire(_store.Layout) ?? throw new InvalidOperationException("the store lock is taken");

    private ModelEntry EmbedSmall() => _store.Publish("embed-small", "v1", ("model.onnx", StoreBuilder.Bytes(100)));

    private static ModelEntry Parked(string name, string version) => new()
    {
        Name = name,
        Version = version,
        State = ModelState.Failed,
        Error = new ModelError { Reason = "ChecksumMismatch", Message = Sha256Differs, Attempts = 2, File = "model.onnx" },
        Failure = new FailureRecord
        {
            Passes = 1,
            BytesSpent = 200,
            Spec = "fingerprint",
            Parked = new ParkedOn("ChecksumMismatch", DateTimeOffset.Parse("2026-11-24T18:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "model.onnx", "\"etag-1\""),
        },
    };

    private GateResult Wait(string grace, params string[] extra) =>
        GateProcess.Run(log, ["--root", _store.Root, "--interval", "50ms", "--absent-grace", grace, .. extra], null);

    [Fact]
    public void Wait_MisspeltNameWhileTheDaemonIsLiveAndIdle_WaitsTheGraceThenExits4WithDidYouMean()
    {
        WriteInventory(RunWriter(), EmbedSmall());
        using var daemon = HoldLock();

        var result = Wait("300ms", "--timeout", "10m", "--require", "embed-smal");

        Assert.Equal(4, result.ExitCode);
        // The grace starts at the first look, so that look waited.
        Assert.Equal("waiting for embed-smal: not in the inventory; did you mean embed-small?", result.Stdout[0]);
        Assert.StartsWith("cannot succeed after ", result.Stdout[1], StringComparison.Ordinal);
        Assert.Contains(": waiting cannot help, the daemon is live and downloads nothing (run (pid 7 on node-a), last write ", result.Stdout[1], StringComparison.Ordinal);
        Assert.StartsWith("  embed-smal: not in the inventory; did you mean embed-small? (for ", result.Stdout[2], StringComparison.Ordinal);
        Assert.Equal(3, result.Stdout.Count);
    }

    [Fact]
    public void Wait_ParkedModelWhileTheDaemonIsLiveAndIdle_Exits4SayingWhatWouldChangeIt()
    {
        WriteInventory(RunWriter(), EmbedSmall(), Parked("finbert", "2024-06"));
        using var daemon = HoldLock();

        var result = Wait("0", "--timeout", "10m", "--require", "embed-small,finbert");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(
            "  finbert@2024-06: parked since 2026-11-24T18:00:00Z: ChecksumMismatch: sha256 differs; fetched again only when its manifest entry or its source changes, or on an operator's retry (for 0s)",
            result.Stdout[^1]);
    }

    [Fact]
    public void Wait_JsonGivingUp_StdoutIsOneInvalidDocumentAndTheLinesGoToStderr()
    {
        WriteInventory(RunWriter(), EmbedSmall());
        using var daemon = HoldLock();

        var result = Wait("0", "--timeout", "10m", "--require", "embed-smal", "--json");

        Assert.Equal(4, result.ExitCode);
        Assert.StartsWith("cannot succeed after ", result.Stderr[^2], StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
    }

    public static TheoryData<string> WaitingCanHelp() =>
    [
        "no lock file: no daemon ever ran here",
        "lock free: the daemon is gone",
        "heartbeat 2 minutes old: the daemon is silent",
        "writer stopped",
        "a one-shot sync writes the inventory",
        "another model downloads: the pass may yet list it",
        "another model pending",
    ];

    [Theory]
    [MemberData(nameof(WaitingCanHelp))]
    public void Wait_AbsentNameWhenWaitingCanHelp_WaitsOutTheTimeout(string situation)
    {
        var writer = situation switch
        {
            "heartbeat 2 minutes old: the daemon is silent" => RunWriter(silentFor: TimeSpan.FromMinutes(2)),
            "writer stopped" => RunWriter() with { StoppedAt = DateTimeOffset.UtcNow },
            "a one-shot sync writes the inventory" => RunWriter() with { Mode = "sync" },
            _ => RunWriter(),
        };
        var models = situation switch
        {
            "another model downloads: the pass may yet list it" => new[] { EmbedSmall(), StoreBuilder.Downloading("finbert", "1", 1, 10) },
            "another model pending" => [EmbedSmall(), StoreBuilder.Downloading("finbert", "1", 0, 10) with { State = ModelState.Pending, Progress = null }],
            _ => [EmbedSmall()],
        };
        WriteInventory(writer, models);
        if (situation == "lock free: the daemon is gone")
        {
            HoldLock().Dispose();
        }

        using var daemon = situation.StartsWith("no lock", StringComparison.Ordinal) || situation.StartsWith("lock free", StringComparison.Ordinal) ? null : HoldLock();

        var result = Wait("0", "--timeout", "200ms", "--require", "embed-smal");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("timed out after 200ms; not valid:", result.Stdout[^2]);
    }

    [Fact]
    public void Wait_FailedModelBackingOffNotParked_WaitsOutTheTimeout()
    {
        var backingOff = Parked("finbert", "2024-06") with
        {
            Error = new ModelError { Reason = "SourceUnreachable", Message = "connection refused", Attempts = 5, NextRetryAt = DateTimeOffset.UtcNow.AddMinutes(5) },
            Failure = new FailureRecord { Passes = 1, Spec = "fingerprint", NotBefore = DateTimeOffset.UtcNow.AddMinutes(5) },
        };
        WriteInventory(RunWriter(), backingOff);
        using var daemon = HoldLock();

        var result = Wait("0", "--timeout", "200ms");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("timed out after 200ms; not valid:", result.Stdout[^2]);
    }

    [Fact]
    public void Wait_NoInventoryYet_WaitsOutTheTimeout()
    {
        var result = Wait("0", "--timeout", "200ms", "--require", "embed-small");

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("timed out after 200ms: no inventory at ", result.Stdout[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Wait_WithoutRequire_SaysWhichModelsItWaitsFor()
    {
        WriteInventory(RunWriter(), EmbedSmall(), StoreBuilder.Downloading("finbert", "1", 1, 10));

        var result = GateProcess.Run(log, ["--root", _store.Root, "--timeout", "0"], null);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("no MODELSYNC_REQUIRE: waiting for every model the inventory lists: embed-small, finbert", result.Stdout[0]);
        Assert.StartsWith("waiting for finbert@1: downloading", result.Stdout[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Wait_AbsentGraceFromTheEnvironment_IsUsed()
    {
        WriteInventory(RunWriter(), EmbedSmall());
        using var daemon = HoldLock();

        var result = GateProcess.Run(
            log,
            ["--root", _store.Root, "--timeout", "10m", "--interval", "50ms"],
            new Dictionary<string, string> { ["MODELSYNC_ABSENT_GRACE"] = "0", ["MODELSYNC_REQUIRE"] = "embed-smal" });

        Assert.Equal(4, result.ExitCode);
    }
}

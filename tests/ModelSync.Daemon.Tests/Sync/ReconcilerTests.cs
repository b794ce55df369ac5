using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sync;
using ModelSync.Daemon.Verify;
using ModelSync.Store.Inventory;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Tests.Sync;

/// <summary>
/// The engine in process: the reconciler against the real in-process Kestrel fault server, on a real store,
/// with the clock a <see cref="FakeTimeProvider"/>, so a retry's wait is a step of the test, not a sleep.
/// </summary>
public sealed class ReconcilerTests : IClassFixture<FaultServer>, IDisposable
{
    private static readonly byte[] Weights = Encoding.ASCII.GetBytes(new string('w', 3 << 20));
    private readonly FaultServer _server;
    private readonly string _scope;
    private readonly TestStore _store = new() { StallTimeout = "10m" };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public ReconcilerTests(FaultServer server) => (_server, _scope) = (server, server.NewScope());

    public void Dispose() => _store.Dispose();

    private ManifestModel Model(string version, string config, Func<FaultRequest, Task>? configScript = null)
    {
        var bytes = Encoding.ASCII.GetBytes(config);
        _server.Route($"{_scope}/{version}/w.bin", r => r.ServeAsync(Weights));
        _server.Route($"{_scope}/{version}/config.json", configScript ?? (r => r.ServeAsync(bytes)));
        return new ManifestModel("m", version, $"{_server.Origin}{_scope}/{version}/", [ManifestFile.Of("w.bin", Weights), ManifestFile.Of("config.json", bytes)]);
    }

    private ModelManifest Load(ManifestModel model)
    {
        var result = ManifestLoader.Load(_store.WriteManifest(model), SourceKinds.Create().Syntax);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Manifest!;
    }

    private ModelLifecycle Inventory() => ModelLifecycle.Open(_store.Layout, "node", "run", _time, NullLoggerFactory.Instance);

    private async Task<ReconcileResult> ReconcileAsync(ModelLifecycle inventory, ModelManifest manifest, Func<Task>? whileWaiting = null)
    {
        using var http = DownloadHttpClient.Create(manifest.Sync);
        await using var limiter = new BandwidthLimiter(0);
        var parts = new PassFactory(new HttpSource(http), limiter, _time, SourceKinds.Create(), NullLoggerFactory.Instance, new Random(42));
        var reconciler = new Reconciler(inventory, parts, _time, NullLogger<Reconciler>.Instance);
        var pass = reconciler.ReconcileAsync(manifest, CancellationToken.None);
        while (!pass.IsCompleted)
        {
            await Task.WhenAny(pass, Task.Delay(20));
            if (!pass.IsCompleted && whileWaiting is not null)
            {
                await whileWaiting();
            }
        }

        return await pass;
    }

    private IReadOnlyList<RecordedRequest> Requests => _server.Requests(_scope);

    [Fact]
    public async Task ReconcileAsync_VersionBumpOfTheConfigOnly_WeightsNotRequestedAgain()
    {
        var inventory = Inventory();
        Assert.Equal(1, (await ReconcileAsync(inventory, Load(Model("1", "{\"a\":1}")))).Ready);
        var before = Requests.Count;

        var result = await ReconcileAsync(inventory, Load(Model("2", "{\"a\":2}")));

        Assert.Equal(1, result.Ready);
        Assert.Equal([$"{_scope}/2/config.json"], Requests.Skip(before).Select(r => r.Path).Distinct());
        Assert.Equal("2", inventory.Find("m")!.Version);
    }

    [Fact]
    public async Task ReconcileAsync_ServerErrorOnce_InventoryNamesFileAndNextRetryThenReadyAfterTheClockMoves()
    {
        var config = Encoding.ASCII.GetBytes("{}");
        var manifest = Load(Model("1", "{}", r => r.Attempt == 0 ? r.Status(503) : r.ServeAsync(config)));
        var inventory = Inventory();
        ModelError? seen = null;

        var result = await ReconcileAsync(inventory, manifest, () =>
        {
            // The pass waits for the retry on the fake clock: record what the inventory says meanwhile, then move it.
            seen ??= inventory.Find("m")?.Error;
            if (seen is not null)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            return Task.CompletedTask;
        });

        Assert.Equal(1, result.Ready);
        Assert.True(seen is not null, string.Join("\n", Requests.Select(r => r.ToString())) + $"\nnow {_time.GetUtcNow()}");
        Assert.Equal(("HttpStatus", "config.json", 1), (seen.Reason, seen.File, seen.Attempts));
        Assert.StartsWith($"config.json from {_server.Origin}{_scope}/1/config.json: ", seen.Message, StringComparison.Ordinal);
        Assert.InRange(seen.NextRetryAt!.Value, new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 9, 0, 1, TimeSpan.Zero));
        Assert.Equal(2, Requests.Count(r => r.Path.EndsWith("config.json", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReconcileAsync_EveryAttemptFails_FailedEntryCountsTheAttemptsMade()
    {
        var manifest = Load(Model("1", "{}", r => r.Status(503)));
        var inventory = Inventory();

        var result = await ReconcileAsync(inventory, manifest, () =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return Task.CompletedTask;
        });

        Assert.Equal(1, result.Failed);
        var requests = Requests.Count(r => r.Path.EndsWith("config.json", StringComparison.Ordinal));
        Assert.Equal(_store.MaxAttempts, requests);
        Assert.Equal(requests, inventory.Find("m")!.Error!.Attempts);
    }

    [Fact]
    public async Task ReconcileAsync_AfterVerifyFoundTheConfigDamaged_OnlyTheConfigFetched()
    {
        var manifest = Load(Model("1", "{\"a\":1}"));
        var inventory = Inventory();
        Assert.Equal(1, (await ReconcileAsync(inventory, manifest)).Ready);
        var config = Path.Combine(_store.VersionDir("m", "1"), "config.json");
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(config, "{\"a\":9}");
        await using var limiter = new BandwidthLimiter(0);
        var outcome = await CorruptionHandler.VerifyAndRecordAsync(_store.Layout, inventory, inventory.Find("m")!, limiter, _time.GetUtcNow(), CancellationToken.None);
        var before = Requests.Count;

        var result = await ReconcileAsync(inventory, manifest);

        Assert.True(outcome.MarkedCorrupted);
        Assert.Equal(1, result.Ready);
        Assert.Equal([$"{_scope}/1/config.json"], Requests.Skip(before).Select(r => r.Path).Distinct());
        Assert.Equal("{\"a\":1}", File.ReadAllText(config));
    }

    [Fact]
    public async Task ReconcileAsync_NotFound_FailedWithTheFileAndItsUrl()
    {
        var manifest = Load(Model("1", "{}", r => r.Status(404)));
        var inventory = Inventory();

        var result = await ReconcileAsync(inventory, manifest);

        Assert.Equal(1, result.Failed);
        var entry = inventory.Find("m")!;
        Assert.Equal((ModelState.Failed, "config.json"), (entry.State, entry.Error!.File));
        Assert.StartsWith($"config.json from {_server.Origin}{_scope}/1/config.json: ", entry.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_TokenFileGoneOnceThePublishedModelMatches_StaysReady()
    {
        var token = Path.Combine(_store.Dir, "token");
        File.WriteAllText(token, "secret");
        var manifest = Load(Model("1", "{}") with { BearerTokenFile = token });
        var inventory = Inventory();
        Assert.Equal(1, (await ReconcileAsync(inventory, manifest)).Ready);
        File.Delete(token); // a secret being rotated

        var result = await ReconcileAsync(inventory, manifest);

        Assert.Equal(1, result.Ready);
        Assert.Equal(ModelState.Ready, inventory.Find("m")!.State);
    }
}

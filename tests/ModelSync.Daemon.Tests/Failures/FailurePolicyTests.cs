using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Inventory;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Tests.Failures;

/// <summary>
/// The failure policy in process: run-mode passes (policy enforced) against the real Kestrel fault server on
/// a real store, the clock a <see cref="FakeTimeProvider"/>; "a restart" is a new <see cref="InventoryState"/>
/// read from the same store.
/// </summary>
public sealed class FailurePolicyTests : IClassFixture<FaultServer>, IDisposable
{
    private static readonly byte[] Right = Encoding.ASCII.GetBytes(new string('r', 256 << 10));
    private static readonly byte[] Wrong = Encoding.ASCII.GetBytes(new string('x', 256 << 10));
    private readonly FaultServer _server;
    private readonly string _scope;
    private readonly TestStore _store = new() { StallTimeout = "10m", MaxAttempts = 3 };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private volatile byte[] _served = Wrong;
    private volatile string _etag = "\"wrong\"";

    public FailurePolicyTests(FaultServer server)
    {
        (_server, _scope) = (server, server.NewScope());
        _server.Route($"{_scope}/w.bin", r => r.ServeAsync(_served, etag: _etag));
    }

    public void Dispose() => _store.Dispose();

    private ModelManifest Manifest(byte[]? wanted = null)
    {
        var model = new ManifestModel("m", "1", $"{_server.Origin}{_scope}/", [ManifestFile.Of("w.bin", wanted ?? Right)]);
        var result = ManifestLoader.Load(_store.WriteManifest(model), SourceKinds.Create().Syntax);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Manifest!;
    }

    private ModelLifecycle Inventory() => ModelLifecycle.Open(_store.Layout, "node", "run", _time, NullLoggerFactory.Instance);

    private int Gets => _server.Requests(_scope).Count(r => r.Method == "GET");

    private int Heads => _server.Requests(_scope).Count(r => r.Method == "HEAD");

    /// <summary>One run-mode pass; the retry waits of the pipeline pass on the fake clock.</summary>
    private async Task<ReconcileResult> PassAsync(ModelLifecycle inventory, ModelManifest manifest, bool enforce = true)
    {
        using var http = DownloadHttpClient.Create(manifest.Sync);
        await using var limiter = new BandwidthLimiter(0);
        var parts = new PassFactory(new HttpSource(http), limiter, _time, SourceKinds.Create(), NullLoggerFactory.Instance, new Random(42));
        var reconciler = new Reconciler(inventory, parts, _time, NullLogger<Reconciler>.Instance);
        var pass = reconciler.ReconcileAsync(manifest, CancellationToken.None, enforce);
        while (!pass.IsCompleted)
        {
            await Task.WhenAny(pass, Task.Delay(20));
            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        return await pass;
    }

    [Fact]
    public async Task Pass_WrongDigestEveryPass_TwoDownloadsThenParkedOnTheETag()
    {
        var manifest = Manifest();
        var inventory = Inventory();

        for (var pass = 0; pass < 5; pass++)
        {
            Assert.Equal(1, (await PassAsync(inventory, manifest)).Failed);
            _time.Advance(TimeSpan.FromMinutes(10));
        }

        var entry = inventory.Find("m")!;
        Assert.Equal(2, Gets);
        Assert.Equal(5, Heads); // one when parked, one per later pass
        Assert.Equal(("ChecksumMismatch", "w.bin"), (entry.Failure!.Parked!.Reason, entry.Failure.Parked.File));
        Assert.Contains("etag=\"wrong\"", entry.Failure.Parked.Validator, StringComparison.Ordinal);
        Assert.Null(entry.Failure.NotBefore);
        Assert.Equal(2L * Wrong.Length, entry.Failure.BytesSpent);
    }

    [Fact]
    public async Task Pass_ParkedThenTheSourceServesTheRightBytes_ReadyOnTheNextPass()
    {
        var manifest = Manifest();
        var inventory = Inventory();
        await PassAsync(inventory, manifest);
        (_served, _etag) = (Right, "\"right\"");

        var result = await PassAsync(inventory, manifest);

        Assert.Equal(1, result.Ready);
        Assert.Null(inventory.Find("m")!.Failure);
        Assert.Equal(3, Gets);
    }

    [Fact]
    public async Task Record_InsufficientCapacity_NeitherParkedNorBackedOffAskedAgainNextPass()
    {
        var manifest = Manifest();
        var inventory = Inventory();
        using var http = new HttpClient();
        var policy = new FailurePolicy(inventory.Entries, new SourceProbe(new HttpSource(http), TimeSpan.FromSeconds(1)), _time, manifest.Sync, enforce: true, NullLogger.Instance, new Random(7));
        var spec = manifest.Models[0];

        await inventory.FailedAsync(new FailedPass(spec, "1", null, 1, null, new DownloadException(FailureReason.InsufficientCapacity, "the filesystem is full", transient: false)), policy, CancellationToken.None);
        var record = inventory.Find("m")!.Failure!;

        Assert.Equal((null, null), (record.Parked, record.NotBefore));
        Assert.Equal(FailureGate.Attempt, policy.Before(spec));
        Assert.Equal(0, Heads); // nothing asked of the source for it
    }

    [Fact]
    public async Task Pass_ParkedThenRestarted_StillParkedNoDownload()
    {
        var manifest = Manifest();
        await PassAsync(Inventory(), manifest);

        var restarted = Inventory();
        var result = await PassAsync(restarted, manifest);

        Assert.Equal(1, result.Failed);
        Assert.Equal(2, Gets);
        Assert.NotNull(restarted.Find("m")!.Failure!.Parked);
    }

    [Fact]
    public async Task Pass_ManifestEntryFixed_AttemptedAtOnce()
    {
        await PassAsync(Inventory(), Manifest());

        var result = await PassAsync(Inventory(), Manifest(wanted: Wrong));

        Assert.Equal(1, result.Ready);
        Assert.Equal(3, Gets);
    }

    [Fact]
    public async Task Clear_ParkedModel_NextPassDownloadsAgainAndKeepsTheBytesSpent()
    {
        var manifest = Manifest();
        var inventory = Inventory();
        await PassAsync(inventory, manifest);

        Assert.Equal(["m"], inventory.RetryRequested(["m"]));
        await PassAsync(inventory, manifest);

        Assert.Equal(4, Gets);
        Assert.Equal(4L * Wrong.Length, inventory.Find("m")!.Failure!.BytesSpent);
        Assert.Empty(inventory.RetryRequested(["unknown"]));
    }

    [Fact]
    public async Task Pass_ServerErrorEveryTime_BacksOffAcrossPassesAndRestarts()
    {
        _server.Route($"{_scope}/w.bin", r => r.Status(503));
        var manifest = Manifest();
        await PassAsync(Inventory(), manifest);
        var afterFirst = Gets;
        var failure = Inventory().Find("m")!.Failure!;

        // The backoff of a first failure is 50-100 % of the interval: a pass at once (after a restart) skips the model.
        var skipped = await PassAsync(Inventory(), manifest);
        _time.Advance(manifest.Sync.Interval);
        await PassAsync(Inventory(), manifest);

        Assert.Equal(1, skipped.Failed);
        Assert.Equal(3, afterFirst); // retry.maxAttempts within the pass: transient failures are retried
        Assert.Equal(6, Gets);
        Assert.Null(failure.Parked);
        Assert.Equal(1, failure.Passes);
        Assert.True(Inventory().Find("m")!.Failure!.Passes == 2);
    }

    [Fact]
    public async Task Pass_OneShot_AttemptsAParkedModel()
    {
        var manifest = Manifest();
        await PassAsync(Inventory(), manifest);

        await PassAsync(Inventory(), manifest, enforce: false);

        Assert.Equal(4, Gets);
    }

    [Theory]
    [InlineData(1, 0.0, 60)]
    [InlineData(1, 1.0, 120)]
    [InlineData(3, 1.0, 480)]
    [InlineData(12, 1.0, 3600)]
    [InlineData(12, 0.0, 1800)]
    [InlineData(1000, 1.0, 3600)]
    public void Backoff_Passes_DoublesTheIntervalUpToAnHourWithJitter(int passes, double random, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), FailurePolicy.Backoff(passes, TimeSpan.FromMinutes(2), random));
    }

    [Fact]
    public void Parks_Reasons_OnlyWhatRetryingCannotChange()
    {
        Assert.True(FailureKinds.Parks(new DownloadException(FailureReason.ChecksumMismatch, "x", transient: true)));
        Assert.True(FailureKinds.Parks(new DownloadException(FailureReason.HttpStatus, "404", transient: false)));
        Assert.True(FailureKinds.Parks(new DownloadException(FailureReason.Unauthorized, "401", transient: false)));
        Assert.True(FailureKinds.Parks(new DownloadException(FailureReason.SourceInvalid, "x", transient: false)));
        Assert.False(FailureKinds.Parks(new DownloadException(FailureReason.HttpStatus, "503", transient: true)));
        Assert.False(FailureKinds.Parks(new DownloadException(FailureReason.InsufficientCapacity, "full", transient: false)));
        Assert.False(FailureKinds.Parks(new DownloadException(FailureReason.StorageError, "EIO", transient: false)));
    }
}

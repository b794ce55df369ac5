using System.Diagnostics;
using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>Large files: parallel ranged pieces against nginx, the single-stream fallback, and the
/// node-wide bandwidth cap.</summary>
[Collection(NginxCollection.Name)]
public sealed class SegmentedDownloadTests(NginxFixture nginx, ITestOutputHelper output) : IDisposable
{
    private const int Size = (40 << 20) + 777; // 5 pieces of 8 MiB and a tail
    private static readonly Lazy<byte[]> Content = new(() => RandomNumberGenerator.GetBytes(Size));

    private readonly TestStore _store = new();
    private readonly string _scope = "/" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose() => _store.Dispose();

    private ManifestModel Publish()
    {
        nginx.Publish($"{_scope[1..]}/big.bin", Content.Value);
        return new ManifestModel("big", "v1", $"{nginx.Origin}{_scope}/", [ManifestFile.Of("big.bin", Content.Value)]);
    }

    /// <summary>Every GET of this test's scope, once nginx has logged all it served (the daemon has exited).</summary>
    private async Task<IReadOnlyList<AccessLogLine>> GetsAsync() => [.. (await nginx.SettledRequestsAsync(_scope)).Where(r => r.Method == "GET")];

    [Fact]
    public async Task Sync_LargeFileWithSegments_FetchesEveryPieceOnceByRangeAndVerifies()
    {
        var model = Publish();
        _store.ExtraSync = "  segmentSize: 8Mi\n  segmentsPerFile: 3";

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(model), output);

        Assert.Equal(0, result.ExitCode);
        _store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(Content.Value));
        var gets = await GetsAsync();
        Assert.All(gets, r => Assert.Equal(206, r.Status));
        var expected = Enumerable.Range(0, 6).Select(k => $"bytes={k * (8L << 20)}-{Math.Min(Size, (k + 1) * (8L << 20)) - 1}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), gets.Select(r => r.Range!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sync_OneSegmentPerFile_FetchesOneWholeStreamAndVerifies()
    {
        var model = Publish();
        _store.ExtraSync = "  segmentSize: 8Mi\n  segmentsPerFile: 1";

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(model), output);

        Assert.Equal(0, result.ExitCode);
        _store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(Content.Value));
        var get = Assert.Single(await GetsAsync());
        Assert.Equal(200, get.Status);
        Assert.Null(get.Range);
    }

    [Fact]
    public async Task Sync_BandwidthLimit_NeverFasterThanTheCap()
    {
        // A lower bound only: a slow machine makes it longer, never shorter. How close to the cap the
        // rate stays is measured in bench/, not asserted here.
        var model = Publish();
        _store.ExtraSync = "  bandwidthLimit: 16Mi\n  segmentSize: 8Mi\n  segmentsPerFile: 3";
        var manifest = _store.WriteManifest(model);
        var clock = Stopwatch.StartNew();

        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(0, result.ExitCode);
        // Less what may pass unpaid: the full bucket at start (0.1 s of rate) and one read per connection
        // (each at most 0.1 s of rate), since reads pay after they arrive.
        var floor = TimeSpan.FromSeconds(((double)Size / (16 << 20)) - 0.4);
        Assert.True(clock.Elapsed >= floor, $"{Size} bytes at 16 MiB/s took {clock.Elapsed}, less than {floor}");
    }
}

using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>A server that ignores <c>Range</c> and always answers 200 with the whole body: the daemon must
/// notice, take the body from byte 0, and never splice it behind the bytes it already has.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class RangeIgnoredTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output, stallTimeout: "5s")
{
    private const int MiB = 1 << 20;

    [Fact]
    public async Task Sync_ResetThenRangeIgnored_RestartsFromZeroAndVerifies()
    {
        var content = RandomNumberGenerator.GetBytes((6 * MiB) + 99);
        Server.Route($"{Scope}/v1/f.bin", async r =>
        {
            await r.ServeAsync(content, etag: "\"v1\"", sendBytes: r.Attempt == 0 ? (2 * MiB) + 5 : null, ignoreRange: true);
            if (r.Attempt == 0)
            {
                await r.AbortAfterAsync(TimeSpan.FromSeconds(1));
            }
        });
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("f.bin", content)]);

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        Store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content));
        Assert.Equal(2, Requests.Count);
        Assert.True(Requests[1].RangeStart is > 0, $"the retry should have asked for the rest, sent '{Requests[1].Range}'");
        Assert.Equal(200, Requests[1].Status);
        Assert.Equal(content.Length, Requests[1].BytesSent);
    }

    [Fact]
    public async Task Sync_SegmentedFileRangeIgnored_FallsBackToOneStreamAndVerifies()
    {
        var content = RandomNumberGenerator.GetBytes((20 * MiB) + 3);
        Server.Route($"{Scope}/v1/big.bin", r => r.ServeAsync(content, etag: "\"v1\"", ignoreRange: true));
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("big.bin", content)]);
        Store.ExtraSync = "  segmentSize: 4Mi\n  segmentsPerFile: 3";

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        Store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content));
        // The first piece's answer is the probe: a 200 means one stream, so no further piece is asked for.
        var only = Assert.Single(Requests);
        Assert.Equal($"bytes=0-{(4 * MiB) - 1}", only.Range);
        Assert.Equal(200, only.Status);
        Assert.Equal(content.Length, only.BytesSent);
    }

    [Fact]
    public async Task Sync_SegmentedFileResetThenRangeIgnored_RestartsFromZeroAndVerifies()
    {
        var content = RandomNumberGenerator.GetBytes((20 * MiB) + 3);
        Server.Route($"{Scope}/v1/big.bin", async r =>
        {
            await r.ServeAsync(content, etag: "\"v1\"", sendBytes: r.Attempt == 0 ? 9 * MiB : null, ignoreRange: true);
            if (r.Attempt == 0)
            {
                await r.AbortAfterAsync(TimeSpan.FromSeconds(1));
            }
        });
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("big.bin", content)]);
        Store.ExtraSync = "  segmentSize: 4Mi\n  segmentsPerFile: 3";

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        Store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content));
        Assert.Equal(2, Requests.Count);
        Assert.True(Requests[1].RangeStart is > 0, $"the retry should have asked for the rest, sent '{Requests[1].Range}'");
        Assert.Equal(200, Requests[1].Status);
        Assert.Equal(content.Length, Requests[1].BytesSent);
    }
}

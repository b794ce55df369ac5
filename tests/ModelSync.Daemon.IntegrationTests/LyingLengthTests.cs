using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>A server announcing 50 GiB for a file the manifest says is small: the daemon must refuse on the
/// headers (SizeMismatch) and hang up, not read or store gigabytes first.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class LyingLengthTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output)
{
    private const long Huge = 50L << 30;
    private const int Offered = 256 << 10;


    [Fact]
    public async Task Sync_HugeContentLength_FailsSizeMismatchWithoutReadingTheBody()
    {
        var content = RandomNumberGenerator.GetBytes(100_000);
        Server.Route($"{Scope}/v1/f.bin", async r =>
        {
            r.Response.ContentLength = Huge;
            await SendUntilHungUpAsync(r);
        });

        await AssertRefusedAsync(content);
    }

    [Fact]
    public async Task Sync_SegmentedFileHugeContentRangeTotal_FailsSizeMismatchWithoutReadingTheBody()
    {
        var content = RandomNumberGenerator.GetBytes((3 << 20) + 5);
        Server.Route($"{Scope}/v1/f.bin", async r =>
        {
            var from = r.Record.RangeStart ?? 0;
            r.Response.StatusCode = 206;
            r.Record.Status = 206;
            r.Response.Headers.ContentRange = $"bytes {from}-{from + (1 << 20) - 1}/{Huge}";
            r.Response.ContentLength = 1 << 20;
            await SendUntilHungUpAsync(r);
        });
        Store.ExtraSync = "  segmentSize: 1Mi\n  segmentsPerFile: 2";

        await AssertRefusedAsync(content);
    }

    /// <summary>Offers a little of the endless body, then waits for the client to give up (the hang guard
    /// catches a client that does not).</summary>
    private static async Task SendUntilHungUpAsync(FaultRequest r)
    {
        var chunk = new byte[64 << 10];
        for (var sent = 0; sent < Offered; sent += chunk.Length)
        {
            await r.WriteAsync(chunk);
        }

        await Task.Delay(TimeSpan.FromMinutes(2), r.Aborted);
    }

    private async Task AssertRefusedAsync(byte[] content)
    {
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("f.bin", content)]);
        Store.MaxAttempts = 2;
        // The stall timeout must not be what ends it: the headers alone must.
        Store.StallTimeout = "2m";

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(1, result.ExitCode);
        var entry = Store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("SizeMismatch", entry.Error?.Reason);
        Assert.Contains(Huge.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Error?.Message, StringComparison.Ordinal);
        // The first GET and the one immediate re-fetch a mismatch gets; then only the parking's HEAD.
        var requests = Server.Requests(Scope).Where(r => r.Method == "GET").ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.BytesSent <= Offered, $"{r.BytesSent} bytes went out"));
        Assert.False(Directory.Exists(Store.VersionDir("m", "v1")));
        var staged = Directory.Exists(Store.Layout.StagingRoot)
            ? Directory.EnumerateFiles(Store.Layout.StagingRoot, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
            : 0;
        Assert.True(staged <= content.Length + 4096, $"{staged} bytes in staging for a {content.Length}-byte file");
    }
}

using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>500 and 502, with and without <c>Retry-After</c>: transient, retried, and bounded by maxAttempts.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class ServerErrorTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output, stallTimeout: "5s")
{
    [Theory]
    [InlineData(500, false)]
    [InlineData(500, true)]
    [InlineData(502, false)]
    [InlineData(502, true)]
    public async Task Sync_ServerErrorTwiceThenOk_RetriesToReady(int status, bool retryAfter)
    {
        var content = RandomNumberGenerator.GetBytes(80_000);
        Server.Route($"{Scope}/v1/f.bin", r =>
        {
            if (r.Attempt >= 2)
            {
                return r.ServeAsync(content);
            }

            if (retryAfter)
            {
                r.Response.Headers.RetryAfter = "1";
            }

            return r.Status(status);
        });
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("f.bin", content)]);

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        Store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content));
        Assert.Equal([status, status, 200], Requests.Select(r => r.Status));
        if (retryAfter)
        {
            // The backoff alone (baseDelay 50ms) would come back far sooner than the 1 s asked for.
            var gap = Requests[1].At - Requests[0].At;
            Assert.True(gap >= TimeSpan.FromMilliseconds(900), $"retried after {gap.TotalMilliseconds:0} ms; the Server asked for 1 s");
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task Sync_ServerErrorForever_FailsHttpStatusAfterMaxAttempts(int status)
    {
        Server.Route($"{Scope}/v1/f.bin", r => r.Status(status));
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("f.bin", [1, 2, 3])]);
        Store.MaxAttempts = 3;

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(1, result.ExitCode);
        var entry = Store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("HttpStatus", entry.Error?.Reason);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(3, Requests.Count);
        Assert.False(Directory.Exists(Store.VersionDir("m", "v1")));
    }
}

using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>What a flaky, slow, lying or hostile server does to a sync (scripted Kestrel endpoints).</summary>
[Collection(FaultServerCollection.Name)]
public sealed class HttpFaultTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output)
{
    private const int MiB = 1 << 20;

    /// <summary>How long a script lets the client read what was flushed before it cuts the connection
    /// (a reset discards unread bytes). Pacing, not an assertion: longer only makes the test slower.</summary>
    private static readonly TimeSpan ReadPause = TimeSpan.FromSeconds(1);


    /// <summary>One model with one file <c>f.bin</c> whose endpoint runs <paramref name="script"/>.</summary>
    private ManifestModel OneFile(byte[] content, Func<FaultRequest, Task> script, string version = "v1")
    {
        Server.Route($"{Scope}/{version}/f.bin", script);
        return new ManifestModel("m", version, $"{Server.Origin}{Scope}/{version}/", [ManifestFile.Of("f.bin", content)]);
    }

    private void AssertReadyWith(ManifestModel model, byte[] content) =>
        Store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content));

    [Fact]
    public async Task Sync_ServiceUnavailableTwiceThenOk_RetriesToReady()
    {
        var content = RandomNumberGenerator.GetBytes(100_000);
        var model = OneFile(content, r => r.Attempt < 2 ? r.Status(503) : r.ServeAsync(content));

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        Assert.Equal([503, 503, 200], Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Sync_TooManyRequestsWithRetryAfter_WaitsAsAskedThenReady()
    {
        var content = RandomNumberGenerator.GetBytes(50_000);
        var model = OneFile(content, r =>
        {
            if (r.Attempt > 0)
            {
                return r.ServeAsync(content);
            }

            r.Response.Headers.RetryAfter = "1";
            return r.Status(429);
        });

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        AssertSecondRequestWaited();
    }

    [Fact]
    public async Task Sync_HuggingFaceRateLimitHeader_WaitsForResetThenReady()
    {
        var content = RandomNumberGenerator.GetBytes(50_000);
        var model = OneFile(content, r =>
        {
            if (r.Attempt > 0)
            {
                return r.ServeAsync(content);
            }

            r.Response.Headers["RateLimit"] = "\"api\";r=0;t=1";
            r.Response.Headers["RateLimit-Policy"] = "\"fixed window\";\"api\";q=500;w=300";
            return r.Status(429);
        });

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        AssertSecondRequestWaited();
    }

    /// <summary>The backoff alone (baseDelay 50ms) would retry far sooner than the 1 s the Server asked for.</summary>
    private void AssertSecondRequestWaited()
    {
        var requests = Requests;
        Assert.Equal(2, requests.Count);
        var gap = requests[1].At - requests[0].At;
        Assert.True(gap >= TimeSpan.FromMilliseconds(900), $"retried after {gap.TotalMilliseconds:0} ms; the Server asked for 1 s");
    }

    [Fact]
    public async Task Sync_ConnectionResetMidBody_ResumesWithRange()
    {
        var content = RandomNumberGenerator.GetBytes(8 * MiB + 333);
        var model = OneFile(content, async r =>
        {
            if (r.Attempt == 0)
            {
                await r.ServeAsync(content, etag: "\"v1\"", sendBytes: (3 * MiB) + (MiB / 2));
                await r.AbortAfterAsync(ReadPause);
                return;
            }

            await r.ServeAsync(content, etag: "\"v1\"");
        });

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        AssertResumed(content.Length);
    }

    [Fact]
    public async Task Sync_BodyShorterThanContentLength_ResumesAndVerifies()
    {
        var content = RandomNumberGenerator.GetBytes(6 * MiB + 1);
        var model = OneFile(content, async r =>
        {
            await r.ServeAsync(content, etag: "\"v1\"", sendBytes: r.Attempt == 0 ? (2 * MiB) + 100 : null);
            if (r.Attempt == 0)
            {
                // Let the client read what was sent; then the handler ends and Kestrel cuts the short response.
                await Task.Delay(ReadPause);
            }
        });

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        AssertResumed(content.Length);
    }

    [Fact]
    public async Task Sync_StalledBody_RetriesAsStalledThenReady()
    {
        var content = RandomNumberGenerator.GetBytes(4 * MiB + 7);
        var model = OneFile(content, async r =>
        {
            if (r.Attempt == 0)
            {
                await r.ServeAsync(content, etag: "\"v1\"", sendBytes: 2 * MiB);
                // Far beyond stallTimeout (1s); ends early when the client gives up and disconnects.
                await Task.Delay(TimeSpan.FromSeconds(30), r.Aborted);
                return;
            }

            await r.ServeAsync(content, etag: "\"v1\"");
        });

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        Assert.Contains("Stalled", result.Stderr, StringComparison.Ordinal);
        AssertResumed(content.Length);
    }

    /// <summary>Two requests; the second continued behind the bytes already on disk.</summary>
    private void AssertResumed(long size)
    {
        var requests = Requests;
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Range);
        Assert.True(requests[1].RangeStart is > 0, $"retry should resume with Range: bytes=N-, sent '{requests[1].Range}'");
        Assert.Equal(206, requests[1].Status);
        Assert.Equal("\"v1\"", requests[1].IfRange);
        Assert.Equal(size - requests[1].RangeStart!.Value, requests[1].BytesSent);
    }

    [Fact]
    public async Task Sync_WrongBytesWithRightSize_FailsChecksumMismatchAndKeepsPreviousVersion()
    {
        var good = RandomNumberGenerator.GetBytes(200_000);
        var v1 = OneFile(good, r => r.ServeAsync(good), version: "v1");
        Assert.Equal(0, (await DaemonRunner.SyncAsync(Store.WriteManifest(v1), Output)).ExitCode);

        var expected = RandomNumberGenerator.GetBytes(300_000);
        var served = RandomNumberGenerator.GetBytes(300_000);
        var v2 = OneFile(expected, r => r.ServeAsync(served), version: "v2");
        Store.MaxAttempts = 2;
        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(v2), Output);

        Assert.Equal(1, result.ExitCode);
        var entry = Store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("v2", entry.Version);
        Assert.Equal("ChecksumMismatch", entry.Error?.Reason);
        Assert.False(Directory.Exists(Store.VersionDir("m", "v2")), "a version that failed verification must not be published");
        Assert.Equal("../models/m/v1", Store.CurrentTarget("m"));
        Assert.Equal("v1", entry.Previous?.Version);
        Assert.Equal("models/m/v1", entry.Previous?.Path);
        Assert.Equal(good, File.ReadAllBytes(Path.Combine(Store.VersionDir("m", "v1"), "f.bin")));
    }

    [Fact]
    public async Task Sync_WrongSize_FailsSizeMismatch()
    {
        var expected = RandomNumberGenerator.GetBytes(100_000);
        var served = RandomNumberGenerator.GetBytes(100_010);
        var model = OneFile(expected, r => r.ServeAsync(served));
        Store.MaxAttempts = 2;

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(1, result.ExitCode);
        var entry = Store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("SizeMismatch", entry.Error?.Reason);
        Assert.False(Directory.Exists(Store.VersionDir("m", "v1")));
        Assert.Null(Store.CurrentTarget("m"));
    }

    [Fact]
    public async Task Sync_NotFound_FailsHttpStatusWithoutRetrying()
    {
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("missing.bin", [1, 2, 3])]);
        Store.MaxAttempts = 5;

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(1, result.ExitCode);
        var entry = Store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("HttpStatus", entry.Error?.Reason);
        Assert.Contains("404", entry.Error?.Message, StringComparison.Ordinal);
        // One GET; then one HEAD, the validator the failure policy parks the model on (HTTP 404).
        Assert.Equal(["GET", "HEAD"], Requests.Select(r => r.Method));
        Assert.Equal("HTTP 404", entry.Failure?.Parked?.Validator);
    }

    [Fact]
    public async Task Sync_RedirectToAnotherHost_SendsTokenOnlyToOrigin()
    {
        var token = "hf_" + Guid.NewGuid().ToString("N");
        var tokenFile = Path.Combine(Store.Dir, "hf-token");
        File.WriteAllText(tokenFile, token + "\n");
        var content = RandomNumberGenerator.GetBytes(120_000);
        // Same Server, other host name: 127.0.0.1 -> localhost is another origin for the token rules.
        Server.Route($"{Scope}/cdn/f.bin", r => r.ServeAsync(content));
        var model = OneFile(content, r =>
        {
            r.Response.Headers.Location = $"{Server.OtherHostOrigin}{Scope}/cdn/f.bin";
            return r.Status(302);
        }) with { BearerTokenFile = tokenFile };

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        var requests = Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal($"127.0.0.1:{Server.Port}", requests[0].Host);
        Assert.Equal($"Bearer {token}", requests[0].Authorization);
        Assert.Equal($"localhost:{Server.Port}", requests[1].Host);
        Assert.Null(requests[1].Authorization);
        AssertTokenNowhere(token, result);
    }

    [Fact]
    public async Task Sync_FileUrlOnAnotherHost_GetsNoToken()
    {
        var token = "hf_" + Guid.NewGuid().ToString("N");
        var tokenFile = Path.Combine(Store.Dir, "hf-token");
        File.WriteAllText(tokenFile, token);
        var own = RandomNumberGenerator.GetBytes(10_000);
        var mirrored = RandomNumberGenerator.GetBytes(20_000);
        Server.Route($"{Scope}/v1/own.bin", r => r.ServeAsync(own));
        Server.Route($"{Scope}/mirror/big.bin", r => r.ServeAsync(mirrored));
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/",
        [
            ManifestFile.Of("own.bin", own),
            ManifestFile.Of("big.bin", mirrored, url: $"{Server.OtherHostOrigin}{Scope}/mirror/big.bin"),
        ]) { BearerTokenFile = tokenFile };

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"Bearer {token}", Assert.Single(Server.Requests($"{Scope}/v1")).Authorization);
        Assert.Null(Assert.Single(Server.Requests($"{Scope}/mirror")).Authorization);
        AssertTokenNowhere(token, result);
    }

    [Fact]
    public async Task Sync_ConnectionResetInARangedPiece_RetriesOnlyWhatThePieceLacksAndVerifies()
    {
        var content = RandomNumberGenerator.GetBytes((40 * MiB) + 5);
        var reset = 0;
        var model = OneFile(content, async r =>
        {
            if (r.Record.RangeStart == 8 * MiB && Interlocked.Exchange(ref reset, 1) == 0)
            {
                await r.ServeAsync(content, etag: "\"v1\"", sendBytes: 2 * MiB);
                await r.AbortAfterAsync(ReadPause);
                return;
            }

            await r.ServeAsync(content, etag: "\"v1\"");
        });
        Store.ExtraSync = "  segmentSize: 8Mi\n  segmentsPerFile: 2";

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, content);
        Assert.All(Requests, r => Assert.Equal(206, r.Status));
        // The retry asks only for what the piece lacks: the 2 MiB received before the reset are kept (PiecesAhead).
        Assert.True(Requests.Count(r => r.RangeStart == 8 * MiB) == 1 && Requests.Count(r => r.RangeStart == 10 * MiB) == 1, string.Join(", ", Requests));
    }

    [Fact]
    public async Task Sync_RedirectWithinOrigin_KeepsToken()
    {
        var token = "hf_" + Guid.NewGuid().ToString("N");
        var tokenFile = Path.Combine(Store.Dir, "hf-token");
        File.WriteAllText(tokenFile, token);
        var content = RandomNumberGenerator.GetBytes(10_000);
        Server.Route($"{Scope}/blobs/f.bin", r => r.ServeAsync(content));
        var model = OneFile(content, r =>
        {
            r.Response.Headers.Location = $"{Scope}/blobs/f.bin";
            return r.Status(307);
        }) with { BearerTokenFile = tokenFile };

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        Assert.All(Requests, r => Assert.Equal($"Bearer {token}", r.Authorization));
        Assert.Equal(2, Requests.Count);
        AssertTokenNowhere(token, result);
    }

    private void AssertTokenNowhere(string token, DaemonResult result)
    {
        Assert.DoesNotContain(token, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(token, File.ReadAllText(Store.Layout.InventoryPath), StringComparison.Ordinal);
        Assert.DoesNotContain(token, File.ReadAllText(Store.Layout.MarkerPath("m", "v1")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_SourceChangedBetweenAttempts_IfRangeRestartsFromZero()
    {
        var before = RandomNumberGenerator.GetBytes(5 * MiB);
        var after = RandomNumberGenerator.GetBytes(5 * MiB);
        var model = OneFile(after, async r =>
        {
            if (r.Attempt == 0)
            {
                await r.ServeAsync(before, etag: "\"old\"", sendBytes: (2 * MiB) + 10);
                await r.AbortAfterAsync(ReadPause);
                return;
            }

            // The file was replaced: a different ETag, so If-Range fails and the whole new file comes with 200.
            await r.ServeAsync(after, etag: "\"new\"");
        });

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        AssertReadyWith(model, after);
        var requests = Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].RangeStart is > 0, $"the retry should have asked for the rest, sent '{requests[1].Range}'");
        Assert.Equal("\"old\"", requests[1].IfRange);
        Assert.Equal(200, requests[1].Status);
        Assert.Equal(after.Length, requests[1].BytesSent);
    }
}

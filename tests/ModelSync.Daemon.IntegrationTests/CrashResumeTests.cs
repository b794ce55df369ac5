using System.Text.Json;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>A node crash (SIGKILL) mid-download: the next sync resumes behind what is on disk.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class CrashResumeTests(FaultServer server, ITestOutputHelper output) : IDisposable
{
    private const long Size = 512L << 20;

    private readonly TestStore _store = new();
    private readonly string _scope = server.NewScope();
    private volatile bool _throttled = true;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Sync_KilledHalfwayThenRestarted_ResumesWithRangeAndVerifies()
    {
        var content = new GeneratedContent(Size, seed: 42);
        server.Route($"{_scope}/v1/big.bin", r => r.ServeAsync(content, etag: "\"big-1\"", throttle: () => _throttled));
        // xxh128 only: the daemon then skips sha256, and so does this test (512 MiB twice is enough hashing).
        var file = new ManifestFile("big.bin", Size, Sha256: null, Xxh128: content.Xxh128());
        var model = new ManifestModel("big", "v1", $"{server.Origin}{_scope}/v1/", [file]);
        var manifest = _store.WriteManifest(model);

        using (var first = DaemonRunner.Start(output, "sync", "--manifest", manifest))
        {
            var done = await WaitForBytesDoneAsync(first, atLeast: Size * 2 / 5);
            first.KillHard();
            output.WriteLine($"killed at {done} of {Size} bytes recorded");
            Assert.True(done < Size, "the first run finished before it could be killed");
        }

        _throttled = false;
        var afterKill = server.Requests(_scope).Count;
        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(0, result.ExitCode);
        _store.AssertPublished(model, (_, path) => content.SameAsFile(path));
        var requests = server.Requests(_scope);
        foreach (var r in requests)
        {
            output.WriteLine($"[server] {r}");
        }

        Assert.Contains(requests.Skip(afterKill), r => r.RangeStart is > 0 && r.Status == 206);
        var served = requests.Sum(r => r.BytesSent);
        Assert.True(served < Size * 1.6, $"served {served} bytes for a {Size}-byte file; resume should have saved most of a second download");
    }

    /// <summary>
    /// A slow link: four connections at most 3.2 MiB/s each (64 KiB, then 20 ms), 16 MiB pieces, killed with every
    /// piece half written and none hashed. The record follows each piece as its bytes arrive, so what the restart
    /// fetches again stays within a second of transfer plus 1 MiB per connection (issue 27: it was every piece).
    /// </summary>
    [Fact]
    public async Task Sync_KilledMidPiecesOnASlowLink_ResendsAtMostASecondPlusAMiBPerConnection()
    {
        const long Small = 64L << 20;
        const int Chunk = 64 << 10;
        var content = new GeneratedContent(Small, seed: 43);
        server.Route($"{_scope}/v1/big.bin", r => r.ServeAsync(content, etag: "\"slow-1\"", throttle: () => _throttled, chunkSize: Chunk));
        var file = new ManifestFile("big.bin", Small, Sha256: null, Xxh128: content.Xxh128());
        var model = new ManifestModel("big", "v1", $"{server.Origin}{_scope}/v1/", [file]);
        var manifest = _store.WriteManifest(model);

        using (var first = DaemonRunner.Start(output, "sync", "--manifest", manifest))
        {
            await WaitForBytesDoneAsync(first, atLeast: Small * 6 / 10);
            first.KillHard();
        }

        var beforeRestart = server.Requests(_scope).Sum(r => r.BytesSent);
        _throttled = false;
        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(0, result.ExitCode);
        _store.AssertPublished(model, (_, path) => content.SameAsFile(path));
        var served = server.Requests(_scope).Sum(r => r.BytesSent);
        const long PerSecond = 4L * Chunk * 50;
        const long Bound = PerSecond + (4L << 20);
        output.WriteLine($"served {served} for {Small}; {beforeRestart} before the restart; bound on the excess {Bound}");
        Assert.True(served - Small <= Bound, $"re-sent {served - Small} bytes after the kill; at most {Bound} (a second at {PerSecond} B/s plus 1 MiB per connection)");
    }

    /// <summary>Waits until the resume records (or the inventory's progress) say at least <paramref name="atLeast"/> bytes are down.</summary>
    private async Task<long> WaitForBytesDoneAsync(DaemonProcess daemon, long atLeast)
    {
        var resumeDir = _store.Layout.StagingDir("big", "v1") + ".resume";
        var deadline = DateTime.UtcNow + DaemonRunner.HangGuard;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(daemon.HasExited, "the daemon exited before it could be killed");
            var done = Math.Max(ResumeBytesDone(resumeDir), InventoryBytesDone());
            if (done >= atLeast)
            {
                return done;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no {atLeast} bytes recorded in {resumeDir} within {DaemonRunner.HangGuard}");
    }

    /// <summary>Sum of every <c>bytesDone</c> in the resume records, whatever their nesting (per file or per range).</summary>
    private static long ResumeBytesDone(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return 0;
        }

        long total = 0;
        foreach (var path in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                total += Sum(doc.RootElement);
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                // Replaced while read: the next poll sees the new one.
            }
        }

        return total;
    }

    private static long Sum(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Sum(p =>
            p.NameEquals("bytesDone") && p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetInt64() : Sum(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Sum(Sum),
        _ => 0,
    };

    private long InventoryBytesDone()
    {
        var read = ModelSync.Store.Inventory.InventoryFile.Read(_store.Layout);
        return read.Inventory?.Find("big")?.Progress?.BytesDone ?? 0;
    }
}

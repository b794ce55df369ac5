using System.Globalization;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>Connection resets wherever they fall: at seeded random offsets, twice per file, four files at once.
/// Every file must end verified, each retry continuing behind bytes that really arrived.
/// MODELSYNC_FAULT_SEED replays a run.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class ResetAtRandomOffsetTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output, stallTimeout: "5s")
{
    private const int MiB = 1 << 20;
    private const int Files = 4;

    [Fact]
    public async Task Sync_ResetsAtSeededRandomOffsets_EveryFileResumesToReady()
    {
        var seed = Environment.GetEnvironmentVariable("MODELSYNC_FAULT_SEED") is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        Output.WriteLine($"seed {seed} (MODELSYNC_FAULT_SEED={seed} replays these offsets)");
        var rng = new Random(seed);
        var files = new List<(ManifestFile File, byte[] Content, long[] Cuts)>();
        for (var i = 0; i < Files; i++)
        {
            var content = new byte[(3 * MiB) + rng.Next(MiB)];
            rng.NextBytes(content);
            // Two cuts per file, anywhere from the first byte to the last: a cut may even fall before the
            // first byte reaches the client, and the second lands behind wherever the retry resumed.
            long[] cuts = [.. new[] { rng.NextInt64(1, content.Length), rng.NextInt64(1, content.Length) }.Order()];
            var name = $"f{i}.bin";
            Output.WriteLine($"{name}: {content.Length} bytes, resets at {cuts[0]} and {cuts[1]}");
            Server.Route($"{Scope}/v1/{name}", async r =>
            {
                if (r.Attempt < cuts.Length)
                {
                    var from = r.Record.RangeStart ?? 0;
                    await r.ServeAsync(content, etag: "\"v1\"", sendBytes: Math.Max(0, cuts[r.Attempt] - from));
                    await r.AbortAfterAsync(TimeSpan.FromMilliseconds(500));
                    return;
                }

                await r.ServeAsync(content, etag: "\"v1\"");
            });
            files.Add((ManifestFile.Of(name, content), content, cuts));
        }

        Store.MaxAttempts = 5;
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [.. files.Select(f => f.File)]);

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(0, result.ExitCode);
        Store.AssertPublished(model, (file, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(files.Single(f => f.File == file).Content));
        foreach (var (file, _, _) in files)
        {
            var requests = Server.Requests(Scope).Where(r => r.Path.EndsWith("/" + file.Path, StringComparison.Ordinal)).ToList();
            Assert.Equal(3, requests.Count);
            for (var i = 1; i < requests.Count; i++)
            {
                // Never more than arrived: a retry starts at or before the end of what was sent so far.
                var sentUpTo = (requests[i - 1].RangeStart ?? 0) + requests[i - 1].BytesSent;
                Assert.True((requests[i].RangeStart ?? 0) <= sentUpTo, $"{file.Path}: resumed at {requests[i].RangeStart}, only {sentUpTo} sent");
            }

            Assert.Equal(file.Size - (requests[^1].RangeStart ?? 0), requests[^1].BytesSent);
        }
    }
}

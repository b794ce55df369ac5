using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// The store's filesystem fills up (a 24 MiB tmpfs and a filler file): the download fails with a reason
/// that says so in one line, what it staged is kept, the previous version and the inventory stay intact,
/// and once space returns the next sync resumes behind the kept bytes and gets to Ready.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class DiskFullTests : IDisposable
{
    private const int MiB = 1 << 20;

    private readonly FaultServer _server;
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly string _scope;
    private readonly Tmpfs? _tmpfs;
    private readonly byte[] _v1 = new byte[2 * MiB];
    private readonly byte[] _v2 = new byte[12 * MiB];

    public DiskFullTests(FaultServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
        _scope = server.NewScope();
        if (Tmpfs.Unavailable is null)
        {
            _tmpfs = Tmpfs.Mount(_store.Root, "24m");
        }

        Random.Shared.NextBytes(_v1);
        Random.Shared.NextBytes(_v2);
        // reserve 0: the filesystem is tiny; the filler, not the guard's margin, is what runs out.
        _store.Reserve = "0";
        _store.MaxAttempts = 2;
    }

    public void Dispose()
    {
        _tmpfs?.Dispose();
        _store.Dispose();
    }

    private ManifestModel Model(string version, byte[] content, Func<FaultRequest, Task>? script = null)
    {
        _server.Route($"{_scope}/{version}/w.bin", script ?? (r => r.ServeAsync(content)));
        return new ManifestModel("m", version, $"{_server.Origin}{_scope}/{version}/", [ManifestFile.Of("w.bin", content)]);
    }

    [TmpfsFact]
    public async Task Sync_DiskFillsDuringDownload_FailsClearlyKeepsStagingAndPreviousThenResumes()
    {
        var v1 = Model("v1", _v1);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_store.WriteManifest(v1), _output)).ExitCode);
        var firstBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var filled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var v2 = Model("v2", _v2, async r =>
        {
            if (r.Attempt > 0)
            {
                await r.ServeAsync(_v2, etag: "\"v2\"");
                return;
            }

            // 3 MiB over about a second (a resume record is written on the way), then the disk fills while the
            // file is open and part written, then the rest.
            await r.ServeAsync(_v2, etag: "\"v2\"", sendBytes: 3 * MiB, throttle: () => true, chunkSize: 64 << 10);
            firstBytes.TrySetResult();
            await filled.Task;
            await r.ServeAsync(_v2, etag: "\"v2\"", throttle: () => true, chunkSize: 256 << 10);
        });
        var manifest = _store.WriteManifest(v2);

        using var daemon = DaemonRunner.Start(_output, "sync", "--manifest", manifest);
        await firstBytes.Task.WaitAsync(DaemonRunner.HangGuard);
        var filler = _tmpfs!.Fill("filler.bin");
        _output.WriteLine($"filler: {filler} bytes; free now {new DriveInfo(_store.Root).AvailableFreeSpace}");
        filled.SetResult();
        var result = await daemon.WaitAsync(DaemonRunner.HangGuard);

        Assert.Equal(1, result.ExitCode);
        // The inventory on disk cannot say it (the disk is full; it is written at the next change): the log does.
        Assert.Matches(@"m@v2 failed: InsufficientCapacity: the filesystem is full \(No space left on device.*\); the \d+(\.\d+)? MiB staged so far are kept", result.Stderr);
        // Said in lines, not stack traces; the inventory's failure once per cause, however often it is retried.
        Assert.DoesNotContain("   at ModelSync", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stderr.Split('\n').Count(l => l.Contains("Writing the inventory", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal)) <= 1, result.Stderr);
        // What was received is kept for the resume, not given to the writer that filled the disk.
        Assert.True(StagedBytes() >= 3 * MiB, $"staged {StagedBytes()} bytes");
        Assert.False(Directory.Exists(_store.VersionDir("m", "v2")));
        AssertV1StillServed();

        File.Delete(Path.Combine(_store.Root, "filler.bin"));
        var before = _server.Requests($"{_scope}/v2").Count;
        var retry = await DaemonRunner.SyncAsync(manifest, _output);

        Assert.Equal(0, retry.ExitCode);
        _store.AssertPublished(v2, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(_v2));
        var resumed = _server.Requests($"{_scope}/v2").Skip(before).ToList();
        Assert.True(resumed.Count == 0 || resumed[0] is { RangeStart: > 0, Status: 206 }, string.Join("\n", resumed));
    }

    [TmpfsFact]
    public async Task Sync_DiskAlreadyTooFull_FailsInsufficientCapacityBeforeDownloading()
    {
        var v1 = Model("v1", _v1);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(_store.WriteManifest(v1), _output)).ExitCode);
        // Room for the inventory and markers, not for the model: the guard must say so before a byte is fetched.
        _tmpfs!.Fill("filler.bin", leave: MiB);
        var v2 = Model("v2", _v2);

        var result = await DaemonRunner.SyncAsync(_store.WriteManifest(v2), _output);

        Assert.Equal(1, result.ExitCode);
        var entry = _store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("InsufficientCapacity", entry.Error?.Reason);
        Assert.Empty(_server.Requests($"{_scope}/v2"));
        Assert.Equal(0, StagedBytes());
        AssertV1StillServed();
    }

    private long StagedBytes() => Directory.Exists(_store.Layout.StagingRoot)
        ? Directory.EnumerateFiles(_store.Layout.StagingRoot, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
        : 0;

    /// <summary>The inventory still parses and a gate without a pin still passes on v1, byte for byte.</summary>
    private void AssertV1StillServed()
    {
        var entry = _store.Entry("m");
        Assert.Equal("v1", entry.State == ModelState.Ready ? entry.Version : entry.Previous?.Version);
        Assert.Equal("../models/m/v1", _store.CurrentTarget("m"));
        Assert.Equal(_v1, File.ReadAllBytes(Path.Combine(_store.VersionDir("m", "v1"), "w.bin")));
        var gate = GateCheck.CheckFull(_output, _store.Root, ["m"]);
        Assert.True(gate.ExitCode == 0, gate.Out + gate.Err);
    }
}

using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// One writer per store, whoever the writers are (a <c>run</c>-mode DaemonSet, a setup Job's <c>sync</c>, a
/// person's <c>verify</c> or <c>gc</c>), and readers that never see a half-made version while real syncs
/// publish. (Two <c>sync</c>s: IntegrationTests.StoreLockTests; the gate against a bare inventory rewrite
/// loop: Gate.Tests.StoreProbeTests.)
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class ConcurrencyTests : IDisposable
{
    private readonly FaultServer _server;
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly PublishedModel _model;
    private readonly string _scope;

    public ConcurrencyTests(FaultServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
        _scope = server.NewScope();
        _model = new PublishedModel(server, _store, output);
    }

    public void Dispose() => _store.Dispose();

    /// <summary>A second model whose download hangs until the holder is killed: keeps the lock taken.</summary>
    private (ManifestModel Model, TaskCompletionSource Started) Hanging()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Route($"{_scope}/h1/h.bin", async r =>
        {
            started.TrySetResult();
            await Task.Delay(TimeSpan.FromMinutes(2), r.Aborted);
        });
        _store.StallTimeout = "2m";
        return (new ManifestModel("hang", "h1", $"{_server.Origin}{_scope}/h1/", [ManifestFile.Of("h.bin", RandomNumberGenerator.GetBytes(1000))]), started);
    }

    [Fact]
    public async Task VerifyAndGc_WhileSyncHoldsTheLock_ExitThreeAndChangeNothing()
    {
        await _model.SyncAsync("v1");
        var (hang, started) = Hanging();
        var manifest = _store.WriteManifest(_model.Version("v1"), hang);
        using var holder = DaemonRunner.Start(_output, "sync", "--manifest", manifest);
        await started.Task.WaitAsync(DaemonRunner.HangGuard);
        await _store.WaitForEntryAsync("hang", ModelState.Downloading);
        var before = TestStore.Snapshot(_store.Root);

        var verify = await DaemonRunner.RunAsync(_output, "verify", "--root", _store.Root);
        var gc = await DaemonRunner.RunAsync(_output, "gc", "--manifest", manifest);

        Assert.Equal(3, verify.ExitCode);
        Assert.Equal(3, gc.ExitCode);
        Assert.Contains($"pid {holder.Id}", gc.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, TestStore.Snapshot(_store.Root));
        Assert.False(holder.HasExited);
    }

    [Fact]
    public async Task Sync_WhileRunModeHoldsTheLock_ExitsThreeAndChangesNothing()
    {
        var (hang, started) = Hanging();
        var manifest = _store.WriteManifest(hang);
        using var run = DaemonRunner.Start(_output, "run", "--manifest", manifest, "--listen", $"http://127.0.0.1:{Ports.Free()}");
        await started.Task.WaitAsync(DaemonRunner.HangGuard);
        await _store.WaitForEntryAsync("hang", ModelState.Downloading);
        var before = TestStore.Snapshot(_store.Root);

        var sync = await DaemonRunner.SyncAsync(manifest, _output);

        Assert.Equal(3, sync.ExitCode);
        Assert.Contains($"pid {run.Id}", sync.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, TestStore.Snapshot(_store.Root));
        Assert.False(run.HasExited);
    }

    [Fact]
    public async Task Gate_CheckingWhileRealSyncsPublishNewVersions_AlwaysPasses()
    {
        await _model.SyncAsync("v1");
        var publishing = Task.Run(async () =>
        {
            for (var v = 2; v <= 6; v++)
            {
                await _model.SyncAsync($"v{v}");
            }
        });

        var codes = new List<int>();
        while (!publishing.IsCompleted || codes.Count < 20)
        {
            // Unpinned, as most pods ask: the old version until the new one is whole, never a mix.
            codes.Add(GateCheck.CheckFull(_output, _store.Root, ["m"]).ExitCode);
        }

        await publishing;
        _output.WriteLine($"RESULT {codes.Count} gate checks (--verify full) during 5 version switches");
        Assert.All(codes, code => Assert.Equal(0, code));
        _model.AssertReady("v6");
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;
using Xunit;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>One writer per store: a second process gets exit 3 and is told who holds the lock.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class StoreLockTests(FaultServer server, ITestOutputHelper output) : IDisposable
{
    private readonly TestStore _store = new();
    private readonly string _scope = server.NewScope();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Sync_WhileAnotherSyncRuns_ExitsThreeNamingTheHolder()
    {
        var content = RandomNumberGenerator.GetBytes(1000);
        var firstRequest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Route($"{_scope}/v1/f.bin", async r =>
        {
            // Hold the first daemon in its download (and so in its lock) until it is killed.
            firstRequest.TrySetResult();
            await Task.Delay(TimeSpan.FromMinutes(2), r.Aborted);
        });
        _store.StallTimeout = "2m";
        var manifest = _store.WriteManifest(new ManifestModel("m", "v1", $"{server.Origin}{_scope}/v1/", [ManifestFile.Of("f.bin", content)]));
        using var holder = DaemonRunner.Start(output, "sync", "--manifest", manifest);
        await firstRequest.Task.WaitAsync(DaemonRunner.HangGuard);
        await _store.WaitForEntryAsync("m", ModelState.Downloading);
        var before = TestStore.Snapshot(_store.Root);

        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("locked by another ModelSync process", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"pid {holder.Id}", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, TestStore.Snapshot(_store.Root));
        Assert.False(holder.HasExited);
    }

    [Fact]
    public async Task Sync_StoreLockedWithFlock_ExitsThreeWithClearMessage()
    {
        Directory.CreateDirectory(_store.Layout.StateDir);
        // flock(1) takes the same flock(2) lock .NET takes for FileShare.None, and holds it while sleep runs.
        using var holder = Process.Start(new ProcessStartInfo("flock")
        {
            ArgumentList = { "--exclusive", "--nonblock", _store.Layout.LockPath, "-c", "echo locked; exec sleep 120" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            var line = await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("locked", line);
            var content = RandomNumberGenerator.GetBytes(1000);
            server.Route($"{_scope}/v1/f.bin", r => r.ServeAsync(content));
            var manifest = _store.WriteManifest(new ManifestModel("m", "v1", $"{server.Origin}{_scope}/v1/", [ManifestFile.Of("f.bin", content)]));

            var result = await DaemonRunner.SyncAsync(manifest, output);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("locked by another ModelSync process", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(_store.Layout.LockPath, result.Stderr, StringComparison.Ordinal);
            Assert.Empty(server.Requests(_scope));
            Assert.False(File.Exists(_store.Layout.InventoryPath));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }
}

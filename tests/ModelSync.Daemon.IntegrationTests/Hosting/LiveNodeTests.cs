using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Hosting;

/// <summary>A node with <c>run</c> on it, operated as an operator would: verbs during run, and after it died.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class LiveNodeTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output)
{
    private volatile bool _failing = true;

    [Fact]
    public async Task Run_VerifyGcAndRetryDuringRun_AnsweredByTheDaemonAndTheRetriedModelFetchedAgain()
    {
        var good = new byte[64 << 10];
        new Random(1).NextBytes(good);
        var flaky = new byte[32 << 10];
        new Random(2).NextBytes(flaky);
        Server.Route($"{Scope}/good/w.bin", r => r.ServeAsync(good));
        Server.Route($"{Scope}/flaky/w.bin", r => _failing ? r.Status(503) : r.ServeAsync(flaky));
        Store.MaxAttempts = 2;
        var manifest = Store.WriteManifest(
            new ManifestModel("good", "v1", $"{Server.Origin}{Scope}/good/", [ManifestFile.Of("w.bin", good)]),
            new ManifestModel("flaky", "v1", $"{Server.Origin}{Scope}/flaky/", [ManifestFile.Of("w.bin", flaky)]));

        using var run = DaemonRunner.Start(Output, "run", "--manifest", manifest, "--listen", $"http://127.0.0.1:{Ports.Free()}");
        await Eventually.WaitAsync(
            () => InventoryFile.Read(Store.Layout).Inventory is { } i && i.Find("good")?.State == ModelState.Ready && i.Find("flaky")?.State == ModelState.Failed,
            "good Ready and flaky Failed");
        await Eventually.WaitAsync(() => File.Exists(Store.Layout.ControlSocketPath), "the control socket");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Store.Layout.ControlDir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Store.Layout.ControlSocketPath));

        var verify = await DaemonRunner.RunAsync(Output, "verify", "--manifest", manifest);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("OK      good@v1", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains("skip    flaky@v1: Failed", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains("running daemon", verify.Stderr, StringComparison.Ordinal);

        var gc = await DaemonRunner.RunAsync(Output, "gc", "--dry-run", "--manifest", manifest);
        Assert.Equal(0, gc.ExitCode);
        Assert.Contains("gc: 0 to remove", gc.Stdout, StringComparison.Ordinal);

        var unknown = await DaemonRunner.RunAsync(Output, "retry", "nosuch", "--manifest", manifest);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no model 'nosuch'", unknown.Stderr, StringComparison.Ordinal);
        // The daemon's log says the exit the verb returned (event 2401), not 1 for any answer that is not ok.
        await Eventually.WaitAsync(() => run.Stderr.Contains("Control request retry nosuch", StringComparison.Ordinal), "event 2401 for retry nosuch");
        Assert.Contains(run.Stderr.Split('\n'), l => l.Contains("Control request retry nosuch: exit 2", StringComparison.Ordinal));

        var before = Requests.Count(r => r.Path.EndsWith("/flaky/w.bin", StringComparison.Ordinal));
        _failing = false;
        var retry = await DaemonRunner.RunAsync(Output, "retry", "flaky", "--manifest", manifest);
        Assert.Equal(0, retry.ExitCode);
        Assert.Contains("retry   flaky: failure cleared", retry.Stdout, StringComparison.Ordinal);
        await Eventually.WaitAsync(() => InventoryFile.Read(Store.Layout).Inventory?.Find("flaky")?.State == ModelState.Ready, "flaky Ready after retry");
        var after = Requests.Where(r => r.Path.EndsWith("/flaky/w.bin", StringComparison.Ordinal)).ToList();
        Assert.True(after.Count > before, $"{after.Count} requests for flaky after retry, {before} before");
        Assert.Contains(after.Skip(before), r => r.Status == 200);
        Assert.True(run.HasExited is false, "run still running");
    }

    [Fact]
    public async Task Run_KilledMidDownload_StatusAndGateSayTheWriterIsGone()
    {
        var content = new GeneratedContent(64L << 20, seed: 5);
        Server.Route($"{Scope}/big.bin", r => r.ServeAsync(content, throttle: () => true, chunkSize: 64 << 10));
        var manifest = Store.WriteManifest(new ManifestModel("big", "v1", $"{Server.Origin}{Scope}/", [new ManifestFile("big.bin", content.Length, null, content.Xxh128())]));

        using (var run = DaemonRunner.Start(Output, "run", "--manifest", manifest, "--listen", $"http://127.0.0.1:{Ports.Free()}"))
        {
            await Eventually.WaitAsync(
                () => InventoryFile.Read(Store.Layout).Inventory?.Find("big") is { State: ModelState.Downloading, Progress.BytesDone: > 0 },
                "big Downloading on disk");
            var live = await DaemonRunner.RunAsync(Output, "status", "--root", Store.Root);
            Assert.Contains("writer: run (pid", live.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("gone", live.Stdout, StringComparison.Ordinal);
            run.KillHard();
        }

        var status = await DaemonRunner.RunAsync(Output, "status", "--root", Store.Root);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("Downloading (writer gone)", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("is gone (store lock free)", status.Stdout, StringComparison.Ordinal);

        var check = GateProcess.Run(Output, "--check", "--root", Store.Root);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("is gone (store lock free)", check.Out, StringComparison.Ordinal);

        var wait = GateProcess.Run(Output, "--root", Store.Root, "--timeout", "1s", "--interval", "500ms");
        Assert.Equal(1, wait.ExitCode);
        Assert.Contains(wait.Stdout, l => l.Contains("downloading at", StringComparison.Ordinal) && l.Contains("not moving: run (pid", StringComparison.Ordinal));
    }
}

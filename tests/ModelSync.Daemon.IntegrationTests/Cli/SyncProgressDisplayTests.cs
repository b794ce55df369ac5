using System.Diagnostics;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Cli;

/// <summary><c>sync</c>'s progress: redrawn in place in a real terminal (tmux), a line every few seconds on a pipe.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class SyncProgressDisplayTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output)
{
    // 64 KiB then 20 ms: at most ~3 MiB/s, so 24 MiB take 7 s or more, however fast the machine.
    private const long Size = 24L << 20;

    [Fact]
    public async Task Sync_OnATerminal_RedrawsOneLinePerModelWithRateAndEta()
    {
        var manifest = SlowModel();
        var socket = $"modelsync-{Guid.NewGuid():N}";
        var command = $"MODELSYNC_NODE=tty dotnet {DaemonRunner.Dll} sync --manifest {manifest}; echo SYNC-EXIT=$?; sleep 60";
        Tmux(socket, "new-session", "-d", "-x", "180", "-y", "30", command);
        try
        {
            var screen = "";
            await Eventually.WaitAsync(() => (screen = Capture(socket)).Contains("MiB/s, ETA", StringComparison.Ordinal), "a progress line with rate and ETA", () => screen);
            var line = screen.Split('\n').Single(l => l.Contains("big@v1", StringComparison.Ordinal));
            Assert.Matches(@"big@v1  \[#*\.*\] [\d.]+ MiB of 24 MiB \([\d.]+%\), [\d.]+ (KiB|MiB)/s, ETA \S+, big\.bin", line);

            await Eventually.WaitAsync(() => (screen = Capture(socket)).Contains("SYNC-EXIT=0", StringComparison.Ordinal), "sync to finish", () => screen);
            Output.WriteLine(screen);
            // Redrawn in place: the model has one line on the screen, its outcome, however many frames were drawn.
            Assert.Single(screen.Split('\n'), l => l.Contains("big@v1", StringComparison.Ordinal));
            Assert.Contains("big@v1  ready, 24 MiB", screen, StringComparison.Ordinal);
        }
        finally
        {
            Tmux(socket, "kill-server");
        }
    }

    [Fact]
    public async Task Sync_OnAPipe_PrintsAProgressLineEveryFewSeconds()
    {
        var result = await DaemonRunner.SyncAsync(SlowModel(), Output);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n').Where(l => l.StartsWith("progress: big@v1 ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(@"^progress: big@v1 [\d.]+ (KiB|MiB) of 24 MiB \([\d.]+%\)(, [\d.]+ (B|KiB|MiB)/s, ETA \S+)?, big\.bin$", l));
        Assert.DoesNotContain('\u001b', result.Stdout); // no terminal codes in a log
        Assert.Equal(ModelState.Ready, InventoryFile.Read(Store.Layout).Inventory!.Find("big")!.State);
    }

    private string SlowModel()
    {
        var content = new GeneratedContent(Size, seed: 23);
        Server.Route($"{Scope}/big.bin", r => r.ServeAsync(content, throttle: () => true, chunkSize: 64 << 10));
        Store.ExtraSync = "  segmentsPerFile: 1";
        return Store.WriteManifest(new ManifestModel("big", "v1", $"{Server.Origin}{Scope}/", [new ManifestFile("big.bin", Size, null, content.Xxh128())]));
    }

    private static string Capture(string socket) => Tmux(socket, "capture-pane", "-p", "-t", "0");

    private static string Tmux(string socket, params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-L", socket, .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using var tmux = Process.Start(psi) ?? throw new InvalidOperationException("tmux is not installed (scripts/install-deps.sh)");
        var text = tmux.StandardOutput.ReadToEnd();
        tmux.WaitForExit();
        return text;
    }
}

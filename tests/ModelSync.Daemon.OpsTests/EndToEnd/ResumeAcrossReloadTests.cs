using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>An edit of the manifest that leaves a model's entry as it was (another model removed) interrupts the
/// pass, and the model's download goes on from where it was (docs/operations.md, "Reload"), not from zero.</summary>
public sealed class ResumeAcrossReloadTests
{
    private const int Size = 96 << 20;

    [Fact]
    public async Task Run_AnotherModelRemovedMidDownload_DownloadResumesWithoutRefetching()
    {
        using var nginx = await NginxFixture.StartAsync(slowRate: "4m");
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var big = new ModelDef("big", "1", [ModelFiles.Serve(nginx, "slow/big.bin", Size, 21)]);
        var other = new ModelDef("other", "1", [ModelFiles.Serve(nginx, "slow/other.bin", 4 << 20, 22)]);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, ModelFiles.Manifest(nginx, store, [big, other]));
        await using var daemon = DaemonRunner.Listen(manifest);
        await daemon.WaitUpAsync();
        await Eventually.WaitAsync(async () => await daemon.MetricAsync("modelsync_model_bytes_done", "model=\"big\"") >= Size / 2, "half of big", () => daemon.Output);

        File.WriteAllText(manifest, ModelFiles.Manifest(nginx, store, [big]));
        await daemon.WaitModelAsync("big", "Ready", "1");

        // Four connections (16 MiB pieces, the default) at 4 MiB/s each: what the interruption may cost is a second
        // of transfer plus 1 MiB per connection, 20 MiB; a restart from the hashed prefix re-sent every unhashed piece.
        var received = await daemon.MetricAsync("modelsync_bytes_downloaded_total", "model=\"big\"");
        Assert.True(received <= Size + (20 << 20), $"received {received} bytes of a {Size}-byte file\n{daemon.Output}");
        Assert.Contains("big.bin resumes at byte", daemon.Output, StringComparison.Ordinal);
    }
}

using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>The <c>verify</c> and <c>gc</c> verbs on a store run mode built, and run mode repairing what verify condemned.</summary>
public sealed class VerifyAndGcVerbTests
{
    [Fact]
    public async Task Verify_FlippedByte_ExitsOneAndMarksCorrupted_ThenRunRepairsIt()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var served = ModelFiles.Serve(nginx, "m/weights.bin", 100_000, 21);
        var other = ModelFiles.Serve(nginx, "m/other.bin", 10_000, 22);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, ModelFiles.Manifest(nginx, store, [new ModelDef("finbert", "v1", [served]), new ModelDef("bert", "v1", [other])]));

        await using (var daemon = DaemonRunner.Listen(manifest))
        {
            await daemon.WaitUpAsync();
            await daemon.WaitModelAsync("finbert", "Ready");
            await daemon.WaitModelAsync("bert", "Ready");

            // The daemon holds the store lock: the verb does not write beside it, it asks the daemon to verify.
            var (live, liveOut) = await DaemonRunner.VerbAsync("verify", "--manifest", manifest);
            Assert.True(live == 0, liveOut);
            Assert.Contains("it did this over", liveOut, StringComparison.Ordinal);
            Assert.Contains("OK      finbert@v1", liveOut, StringComparison.Ordinal);
            daemon.Sigterm();
            Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        var (ok, okOut) = await DaemonRunner.VerbAsync("verify", "--manifest", manifest);
        Assert.True(ok == 0, okOut);
        Assert.Contains("OK      finbert@v1 (1 file, ", okOut, StringComparison.Ordinal); // the gate's OK

        // Flip one byte of a published (0444) file.
        var path = Path.Combine(layout.VersionDir("finbert", "v1"), "weights.bin");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (bad, badOut) = await DaemonRunner.VerbAsync("verify", "--manifest", manifest);
        Assert.True(bad == 1, badOut);
        Assert.Contains("finbert@v1/weights.bin", badOut, StringComparison.Ordinal);
        var inventory = InventoryFile.Read(layout).Inventory!;
        Assert.Equal(ModelState.Failed, inventory.Find("finbert")!.State);
        Assert.Equal("Corrupted", inventory.Find("finbert")!.Error!.Reason);
        Assert.Equal(ModelState.Ready, inventory.Find("bert")!.State);
        Assert.Contains("verify: 1 problem\n", badOut.ReplaceLineEndings("\n") + "\n", StringComparison.Ordinal);
        // A copy found damaged on disk was not fetched: status names no attempt count for it.
        var (_, statusOut) = await DaemonRunner.VerbAsync("status", "--manifest", manifest);
        Assert.Contains("Corrupted: ", statusOut, StringComparison.Ordinal);
        Assert.DoesNotContain("attempt", statusOut, StringComparison.Ordinal);

        // Stale staging and trash for the gc verb; --dry-run only lists them.
        Directory.CreateDirectory(Path.Combine(layout.StagingRoot, "gone", "v0"));
        Directory.CreateDirectory(Path.Combine(layout.StagingRoot, "finbert", "v0.resume"));
        Directory.CreateDirectory(Path.Combine(layout.StateDir, "trash", "junk"));
        var (dry, dryOut) = await DaemonRunner.VerbAsync("gc", "--manifest", manifest, "--dry-run");
        Assert.True(dry == 0, dryOut);
        Assert.Contains("would remove .modelsync/staging/gone", dryOut, StringComparison.Ordinal);
        Assert.Contains("would remove .modelsync/staging/finbert/v0.resume", dryOut, StringComparison.Ordinal);
        Assert.Contains("would remove .modelsync/trash/junk", dryOut, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(layout.StagingRoot, "gone")));
        var (gc, gcOut) = await DaemonRunner.VerbAsync("gc", "--manifest", manifest);
        Assert.True(gc == 0, gcOut);
        Assert.False(Directory.Exists(Path.Combine(layout.StagingRoot, "gone")));
        Assert.False(Directory.Exists(Path.Combine(layout.StagingRoot, "finbert", "v0.resume")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(layout.StateDir, "trash")));
        Assert.True(File.Exists(path), "gc leaves the current version alone, damaged or not");

        // Run mode repairs it: the next reconcile downloads finbert again.
        await using (var daemon = DaemonRunner.Listen(manifest))
        {
            await daemon.WaitUpAsync();
            await daemon.WaitModelAsync("finbert", "Ready");
            daemon.Sigterm();
            Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.Equal(File.ReadAllBytes(Path.Combine(nginx.WebRoot, "m", "weights.bin")), File.ReadAllBytes(path));
        var (again, againOut) = await DaemonRunner.VerbAsync("verify", "--manifest", manifest);
        Assert.True(again == 0, againOut);
    }

    [Fact]
    public async Task Run_ScheduledScrub_FindsCorruption_AndRepairsWithoutRestart()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var served = ModelFiles.Serve(nginx, "s/weights.bin", 60_000, 31);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, ModelFiles.Manifest(nginx, store, [new ModelDef("scrubbed", "v1", [served])], extraSync: "  verifyInterval: 1s"));

        await using var daemon = DaemonRunner.Listen(manifest);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("scrubbed", "Ready");

        var path = Path.Combine(layout.VersionDir("scrubbed", "v1"), "weights.bin");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[7] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        await Eventually.WaitAsync(async () => await daemon.MetricAsync("modelsync_verify_failures_total") >= 1, "the scrub to count a verify failure", () => daemon.Output);
        await Eventually.WaitAsync(
            () => File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(nginx.WebRoot, "s", "weights.bin"))),
            "the corrupted file to be downloaded again", () => daemon.Output);
        await daemon.WaitModelAsync("scrubbed", "Ready");
        Assert.Contains("is corrupted", daemon.Output, StringComparison.Ordinal);
    }
}

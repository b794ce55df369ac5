using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Content;

/// <summary>
/// Content-addressed files through the real daemon: every <c>sync</c> and <c>verify</c> is its own process,
/// so each holds across a restart. What the origin serves is counted by the server, not by the daemon.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class ContentReuseTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output, stallTimeout: "5s")
{
    private const long MiB = 1 << 20;
    private static readonly byte[] Weights = RandomNumberGenerator.GetBytes((int)(24 * MiB));

    /// <summary>A model of a 24 MiB weights file and an 8-byte config, served under its version's path.</summary>
    private ManifestModel Model(string version, string config)
    {
        var configBytes = Encoding.ASCII.GetBytes(config);
        Server.Route($"{Scope}/{version}/weights.bin", r => r.ServeAsync(Weights));
        Server.Route($"{Scope}/{version}/config.json", r => r.ServeAsync(configBytes));
        return new ManifestModel("m", version, $"{Server.Origin}{Scope}/{version}/",
            [ManifestFile.Of("weights.bin", Weights), ManifestFile.Of("config.json", configBytes)]);
    }

    private long BytesServedSince(int requestCount) => Requests.Skip(requestCount).Sum(r => r.BytesSent);

    private static void FlipByte(string path, long offset)
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = offset;
            var b = stream.ReadByte();
            stream.Position = offset;
            stream.WriteByte((byte)(b ^ 0x01));
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>Versions 1 and 2 synced one after the other, 2 current; returns 2 and its manifest.</summary>
    private async Task<(ManifestModel V2, string Manifest)> PublishBothVersionsAsync()
    {
        Assert.Equal(0, (await DaemonRunner.SyncAsync(Store.WriteManifest(Model("1", "{\"a\":1}\n")), Output)).ExitCode);
        var v2 = Model("2", "{\"a\":2}\n");
        var manifest = Store.WriteManifest(v2);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, Output)).ExitCode);
        return (v2, manifest);
    }

    private string WeightsOf(string version) => Path.Combine(Store.VersionDir("m", version), "weights.bin");

    [Fact]
    public async Task VerifyThenSync_OneByteFlippedInSmallFile_OriginServesOnlyThatFile()
    {
        var model = Model("1", "{\"a\":1}\n");
        var manifest = Store.WriteManifest(model);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, Output)).ExitCode);
        FlipByte(Path.Combine(Store.VersionDir("m", "1"), "config.json"), 3);

        var verify = await DaemonRunner.RunAsync(Output, "verify", "--manifest", manifest);
        var before = Requests.Count;
        var sync = await DaemonRunner.SyncAsync(manifest, Output);

        Assert.Equal(1, verify.ExitCode);
        Assert.Equal(0, sync.ExitCode);
        var fetched = Requests.Skip(before).Select(r => r.Path).Distinct().ToList();
        Assert.Equal([$"{Scope}/1/config.json"], fetched);
        Assert.True(BytesServedSince(before) <= 8 + MiB, $"served {BytesServedSince(before)} bytes for an 8-byte repair");
        Store.AssertPublished(model, (f, path) => Digest.Sha256File(path) == f.Sha256);
    }

    [Fact]
    public async Task Sync_VersionBumpChangingOnlyTheConfig_WeightsNotRequestedAndStoredOnce()
    {
        // Room for one copy of the weights and a little: the new version fits only if shared bytes count once.
        Store.Capacity = "25Mi";
        Store.Reserve = "0";
        Store.KeepVersions = 1;
        Assert.Equal(0, (await DaemonRunner.SyncAsync(Store.WriteManifest(Model("1", "{\"a\":1}\n")), Output)).ExitCode);
        var before = Requests.Count;

        var v2 = Model("2", "{\"a\":2}\n");
        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(v2), Output);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(Requests.Skip(before), r => r.Path.EndsWith("weights.bin", StringComparison.Ordinal));
        Assert.True(FileIdentity.Same(WeightsOf("1"), WeightsOf("2")), "the weights of both versions should be one inode");
        Store.AssertPublished(v2, (f, path) => Digest.Sha256File(path) == f.Sha256);
        Assert.True(File.Exists(Path.Combine(Store.VersionDir("m", "1"), ".modelsync.json")), "the kept version stays published");
    }

    [Fact]
    public async Task StatusAndGc_VersionSharingTheWeights_SharedBytesCountedOnceAndNotFreed()
    {
        Store.KeepVersions = 0;
        var (v2, manifest) = await PublishBothVersionsAsync();

        var status = await DaemonRunner.RunAsync(Output, "status", "--root", Store.Root);
        var dryRun = await DaemonRunner.RunAsync(Output, "gc", "--manifest", manifest, "--dry-run");
        var gc = await DaemonRunner.RunAsync(Output, "gc", "--manifest", manifest);

        // Two versions of 24 MiB + 8 B each, one inode of weights between them: 24 MiB and 16 B on disk.
        Assert.Contains("store on disk 24 MiB", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("would remove models/m/1", dryRun.Stdout, StringComparison.Ordinal);
        // Its config and its marker, well under a KiB; the weights stay with version 2.
        var wouldFree = System.Text.RegularExpressions.Regex.Match(dryRun.Stdout, @"would free (\d+) B\b");
        Assert.True(wouldFree.Success && long.Parse(wouldFree.Groups[1].Value) < 1024, dryRun.Stdout);
        Assert.Contains($"freed {wouldFree.Groups[1].Value} B", gc.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Store.VersionDir("m", "1")));
        Store.AssertPublished(v2, (f, path) => Digest.Sha256File(path) == f.Sha256);
    }

    [Fact]
    public async Task Verify_DamageInAFileTwoVersionsShare_CondemnsBothAndOneRefetchRepairs()
    {
        Store.KeepVersions = 1;
        var (v2, manifest) = await PublishBothVersionsAsync();
        FlipByte(WeightsOf("2"), 12345);

        var verify = await DaemonRunner.RunAsync(Output, "verify", "--manifest", manifest);

        Assert.Equal(1, verify.ExitCode);
        Assert.False(File.Exists(Path.Combine(Store.VersionDir("m", "2"), ".modelsync.json")));
        Assert.False(File.Exists(Path.Combine(Store.VersionDir("m", "1"), ".modelsync.json")), "the version sharing the damaged inode must not stay vouched for");
        var entry = Store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("Corrupted", entry.Error!.Reason);
        Assert.Equal("weights.bin", entry.Error.File);
        Assert.Contains("m@1", verify.Stdout, StringComparison.Ordinal);

        var before = Requests.Count;
        Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, Output)).ExitCode);
        Assert.Equal([$"{Scope}/2/weights.bin"], Requests.Skip(before).Select(r => r.Path).Distinct());
        Assert.True(BytesServedSince(before) <= Weights.Length + MiB, $"served {BytesServedSince(before)} bytes");
        Store.AssertPublished(v2, (f, path) => Digest.Sha256File(path) == f.Sha256);
    }

    [Fact]
    public async Task Sync_StoredCopyDamagedUnnoticed_RefetchedAndTheDamagedVersionCondemned()
    {
        Store.KeepVersions = 1;
        Assert.Equal(0, (await DaemonRunner.SyncAsync(Store.WriteManifest(Model("1", "{\"a\":1}\n")), Output)).ExitCode);
        FlipByte(WeightsOf("1"), 7);
        var before = Requests.Count;

        var v2 = Model("2", "{\"a\":2}\n");
        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(v2), Output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(Requests.Skip(before), r => r.Path == $"{Scope}/2/weights.bin");
        Store.AssertPublished(v2, (f, path) => Digest.Sha256File(path) == f.Sha256);
        Assert.False(FileIdentity.Same(WeightsOf("1"), WeightsOf("2")));
        Assert.False(File.Exists(Path.Combine(Store.VersionDir("m", "1"), ".modelsync.json")), "a copy found damaged is no longer vouched for");
        Assert.Contains("is damaged", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_AnotherModelWithAWrongSha256ForTheSameBytes_FailsAloneAndTheIntactCopyStaysPublished()
    {
        // Model b knows the weights by xxh128 only; model a agrees on xxh128 but gives a wrong sha256.
        Server.Route($"{Scope}/b/weights.bin", r => r.ServeAsync(Weights));
        Server.Route($"{Scope}/a/weights.bin", r => r.ServeAsync(Weights));
        var good = ManifestFile.Of("weights.bin", Weights);
        var b = new ManifestModel("b", "1", $"{Server.Origin}{Scope}/b/", [good with { Sha256 = null }]);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(Store.WriteManifest(b), Output)).ExitCode);
        var a = new ManifestModel("a", "1", $"{Server.Origin}{Scope}/a/", [good with { Sha256 = new string('0', 64) }]);

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(b, a), Output);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ChecksumMismatch", Store.Entry("a").Error!.Reason);
        Assert.Equal(ModelState.Ready, Store.Entry("b").State);
        Assert.True(File.Exists(Path.Combine(Store.VersionDir("b", "1"), ".modelsync.json")), "an intact copy is not condemned for another manifest's wrong digest");
    }

    [Fact]
    public async Task Sync_FileNotFound_ErrorNamesTheFileAndItsUrlEverywhere()
    {
        Server.Route($"{Scope}/nf/missing.bin", r => r.Status(404));
        var model = new ManifestModel("m", "nf", $"{Server.Origin}{Scope}/nf/", [new ManifestFile("missing.bin", 5, new string('a', 64), null)]);
        var manifest = Store.WriteManifest(model);

        var sync = await DaemonRunner.SyncAsync(manifest, Output);
        var status = await DaemonRunner.RunAsync(Output, "status", "--root", Store.Root);

        Assert.Equal(1, sync.ExitCode);
        var error = Store.Entry("m").Error!;
        var described = $"missing.bin from {Server.Origin}{Scope}/nf/missing.bin";
        Assert.Equal("missing.bin", error.File);
        Assert.StartsWith(described, error.Message, StringComparison.Ordinal);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains(described, sync.Stderr, StringComparison.Ordinal);
        Assert.Contains(described, status.Stdout, StringComparison.Ordinal);
    }
}

using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Layout;
using Xunit.Abstractions;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>
/// Pins with real parts (docs/store-format.md, "Pins"): the published Native-AOT gate holds them, the daemon's
/// <c>sync</c> and <c>gc</c> verbs bump and drop the model around them.
/// </summary>
public sealed class PinTests(ITestOutputHelper log)
{
    private static string Manifest(NginxFixture nginx, string store, IEnumerable<ModelDef> models)
    {
        var yaml = ModelFiles.Manifest(nginx, store, models, keepVersions: 0).Replace("  keepVersions: 0\n", "  keepVersions: 0\n  pinGrace: 0\n", StringComparison.Ordinal);
        Assert.Contains("pinGrace: 0", yaml, StringComparison.Ordinal);
        return yaml;
    }

    private static Dictionary<string, string> Digests(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);

    private static async Task<string> Verb(params string[] args)
    {
        var (code, output) = await DaemonRunner.VerbAsync(args);
        Assert.True(code == 0, $"{string.Join(' ', args)} exited {code}: {output}");
        return output;
    }

    [Fact]
    public async Task Hold_KeepsItsVersionThroughTwoBumpsAndADrop_ARestartedHolderPinsWhatItsFileRecords_AndAfterSigkillGcRemovesIt()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var manifest = dir.Combine("models.yaml");
        var paths = dir.Combine("paths");
        var other = new ModelDef("other", "v1", [ModelFiles.Serve(nginx, "o/x.bin", 1_000, 9)]);
        ModelDef M(string version, int seed) => new("m", version, [ModelFiles.Serve(nginx, $"m/{version}/weights.bin", 50_000, seed), ModelFiles.Serve(nginx, $"m/{version}/config.json", 300, seed + 100)]);

        File.WriteAllText(manifest, Manifest(nginx, store, [M("v1", 1), other]));
        await Verb("sync", "--manifest", manifest);
        var v1 = layout.VersionDir("m", "v1");
        var before = Digests(v1);

        var holder = GateProcess.Start(log, ["--root", store, "--require", "m", "--hold", "--paths-file", paths, "--interval", "100ms"]);
        try
        {
            holder.WaitForLine(l => l.StartsWith("holding 1 pin", StringComparison.Ordinal));
            Assert.Equal($"m={Path.GetFullPath(v1)}\n", File.ReadAllText(paths));
            Assert.Equal(0, GateProcess.Run(log, "--pinned", paths).ExitCode); // the sidecar's startupProbe

            // Two bumps with keepVersions 0: v2 goes at the second GC, v1 stays.
            foreach (var (version, seed) in new[] { ("v2", 2), ("v3", 3) })
            {
                File.WriteAllText(manifest, Manifest(nginx, store, [M(version, seed), other]));
                await Verb("sync", "--manifest", manifest);
                var gc = await Verb("gc", "--manifest", manifest);
                Assert.Contains("kept models/m/v1 (kept: pinned", gc, StringComparison.Ordinal);
                Assert.True(Directory.Exists(v1), gc);
            }

            Assert.False(Directory.Exists(layout.VersionDir("m", "v2")), "an unpinned superseded version still goes");
            var status = (await DaemonRunner.VerbAsync("status", "--manifest", manifest)).Stdout;
            Assert.Contains("versions on disk 3, pinned by pods 1", status, StringComparison.Ordinal); // m v1, m v3, other v1
            Assert.Contains("  m v1: pinned, previous\n", status, StringComparison.Ordinal);

            // Dropped from the manifest: current/m may go; the pinned version and models/m/ stay.
            File.WriteAllText(manifest, Manifest(nginx, store, [other]));
            await Verb("sync", "--manifest", manifest);
            var dry = await Verb("gc", "--manifest", manifest, "--dry-run");
            Assert.Contains("kept models/m/v1 (kept: pinned", dry, StringComparison.Ordinal);
            var dropped = await Verb("gc", "--manifest", manifest);
            Assert.Contains("kept models/m/v1 (kept: pinned; otherwise: model not in the manifest)", dropped, StringComparison.Ordinal);
            Assert.Contains("removed models/m/v3", dropped, StringComparison.Ordinal);
            Assert.Equal(before, Digests(v1));

            // A holder's container restarts: SIGKILL, and a new one given the same file pins v1 again.
            holder.Signal("KILL");
            holder.WaitForExit();
        }
        finally
        {
            holder.Dispose();
        }

        var restarted = GateProcess.Start(log, ["--root", store, "--require", "m", "--hold", "--paths-file", paths, "--interval", "100ms"]);
        try
        {
            restarted.WaitForLine(l => l.StartsWith("holding 1 pin", StringComparison.Ordinal));
            Assert.Equal($"m={Path.GetFullPath(v1)}\n", File.ReadAllText(paths));
            var gc = await Verb("gc", "--manifest", manifest);
            Assert.Contains("kept models/m/v1 (kept: pinned", gc, StringComparison.Ordinal);
            Assert.Equal(before, Digests(v1));

            restarted.Signal("KILL");
            restarted.WaitForExit();
        }
        finally
        {
            restarted.Dispose();
        }

        Assert.Equal(1, GateProcess.Run(log, "--pinned", paths).ExitCode);

        // pinGrace 0: the next GC after the last holder died removes it.
        var last = await Verb("gc", "--manifest", manifest);
        Assert.DoesNotContain("kept models/", last, StringComparison.Ordinal);
        Assert.False(Directory.Exists(v1), last);
        Assert.False(Directory.Exists(layout.ModelDir("m")), last);
    }

    [Fact]
    public async Task Exec_TheServiceSeesItsPinnedPath_AndHoldsThePinItself_GcKeepsTheVersionUntilItDies()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var manifest = dir.Combine("models.yaml");
        ModelDef M(string version, int seed) => new("bert-base", version, [ModelFiles.Serve(nginx, $"b/{version}/weights.bin", 20_000, seed)]);
        File.WriteAllText(manifest, Manifest(nginx, store, [M("v1", 1)]));
        await Verb("sync", "--manifest", manifest);
        var v1 = Path.GetFullPath(layout.VersionDir("bert-base", "v1"));

        using var service = GateProcess.Start(log, ["--root", store, "--require", "bert-base", "--interval", "100ms", "--",
            "/bin/sh", "-c", "echo \"path=$MODELSYNC_PATH_BERT_BASE\"; exec sleep 120"]);
        service.WaitForLine(l => l == $"path={v1}");
        // Same pid, another program: the gate is gone, the pin is the service's.
        await Eventually.WaitAsync(() => Path.GetFileName(File.ResolveLinkTarget($"/proc/{service.Id}/exe", false)?.FullName) == "sleep", "the service to run in the gate's process", () => "");

        File.WriteAllText(manifest, Manifest(nginx, store, [M("v2", 2)]));
        await Verb("sync", "--manifest", manifest);
        var gc = await Verb("gc", "--manifest", manifest);
        Assert.Contains("kept models/bert-base/v1 (kept: pinned", gc, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(v1, "weights.bin")));

        service.Signal("KILL");
        service.WaitForExit();
        var after = await Verb("gc", "--manifest", manifest);
        Assert.Contains("removed models/bert-base/v1", after, StringComparison.Ordinal);
        Assert.False(Directory.Exists(v1));
    }

    [Fact]
    public async Task Run_KeepsAPinnedVersionAcrossABump_ThenForPinGraceAfterItsHolderIsKilled_ThenRemovesIt()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var manifest = dir.Combine("models.yaml");
        var grace = TimeSpan.FromSeconds(15);
        ModelDef M(string version, int seed) => new("m", version, [ModelFiles.Serve(nginx, $"m/{version}/weights.bin", 20_000, seed)]);
        string Yaml(ModelDef model) => Manifest(nginx, store, [model]).Replace("pinGrace: 0", "pinGrace: 15s", StringComparison.Ordinal);
        File.WriteAllText(manifest, Yaml(M("v1", 1)));

        await using var daemon = DaemonRunner.Listen(manifest);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("m", "Ready", "v1");
        var v1 = layout.VersionDir("m", "v1");
        var before = Digests(v1);

        using var holder = GateProcess.Start(log, ["--root", store, "--require", "m", "--hold", "--interval", "100ms"]);
        holder.WaitForLine(l => l.StartsWith("holding 1 pin", StringComparison.Ordinal));

        // The bump's pass ends with a GC (keepVersions 0): v1 is pinned, so it stays.
        File.WriteAllText(manifest, Yaml(M("v2", 2)));
        await daemon.WaitModelAsync("m", "Ready", "v2");
        await Eventually.WaitAsync(() => daemon.Output.Contains("GC: kept models/m/v1 (kept: pinned)", StringComparison.Ordinal), "the pass's GC to keep v1", () => daemon.Output);
        Assert.Equal(before, Digests(v1));

        holder.Signal("KILL");
        holder.WaitForExit();
        var killed = DateTimeOffset.UtcNow;

        // The daemon saw it pinned: it keeps it for store.pinGrace from the first look that finds it free.
        var first = await Verb("gc", "--manifest", manifest);
        Assert.Contains("kept models/m/v1 (kept: pin released", first, StringComparison.Ordinal);
        Assert.Contains("within store.pinGrace 15s", first, StringComparison.Ordinal);
        Assert.True(Directory.Exists(v1));

        await Eventually.WaitAsync(async () => (await Verb("gc", "--manifest", manifest)).Contains("removed models/m/v1", StringComparison.Ordinal), "a GC after pinGrace to remove v1", () => daemon.Output);
        Assert.True(DateTimeOffset.UtcNow - killed >= grace, "removed before store.pinGrace passed");
        Assert.False(Directory.Exists(v1));
    }

    private static void FlipAByte(string path)
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    [Fact]
    public async Task Hold_RepairOfThePinnedVersion_PodReadsTheGoodCopyAtItsPath_AndGcKeepsItThroughABumpUntilReleased()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var manifest = dir.Combine("models.yaml");
        ModelDef M(string version, int seed) => new("m", version, [ModelFiles.Serve(nginx, $"m/{version}/weights.bin", 50_000, seed)]);
        File.WriteAllText(manifest, Manifest(nginx, store, [M("v1", 1)]));
        await Verb("sync", "--manifest", manifest);
        var v1 = layout.VersionDir("m", "v1");
        var good = Digests(v1)["weights.bin"];

        using var holder = GateProcess.Start(log, ["--root", store, "--require", "m", "--hold", "--interval", "100ms"]);
        holder.WaitForLine(l => l.StartsWith("holding 1 pin", StringComparison.Ordinal));

        FlipAByte(Path.Combine(v1, "weights.bin"));
        var (verifyCode, verifyOut) = await DaemonRunner.VerbAsync("verify", "--manifest", manifest);
        Assert.True(verifyCode != 0, verifyOut);
        await Verb("sync", "--manifest", manifest); // the repair: a good copy swapped in at the version's path
        Assert.Equal(good, Digests(v1)["weights.bin"]); // the marker differs: a new publishedAt

        // The pin is on the damaged copy now parked in trash; the pod reads the good one at its path: both stay.
        File.WriteAllText(manifest, Manifest(nginx, store, [M("v2", 2)]));
        await Verb("sync", "--manifest", manifest);
        var gc = await Verb("gc", "--manifest", manifest);
        Assert.Contains("kept models/m/v1 (kept: pinned", gc, StringComparison.Ordinal);
        Assert.Equal(good, Digests(v1)["weights.bin"]); // the marker differs: a new publishedAt

        holder.Signal("KILL");
        holder.WaitForExit();
        var after = await Verb("gc", "--manifest", manifest);
        Assert.Contains("removed models/m/v1", after, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(layout.TrashDir));
    }

    [Fact]
    public async Task Sync_SameVersionOtherContentWhilePinned_FailsVersionPinned_ThePodKeepsItsContent_PublishedAfterRelease()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var store = dir.Combine("store");
        var layout = new StoreLayout(store);
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, Manifest(nginx, store, [new("m", "v1", [ModelFiles.Serve(nginx, "m/a/weights.bin", 50_000, 1)])]));
        await Verb("sync", "--manifest", manifest);
        var v1 = layout.VersionDir("m", "v1");
        var first = Digests(v1);

        var holder = GateProcess.Start(log, ["--root", store, "--require", "m", "--hold", "--interval", "100ms"]);
        try
        {
            holder.WaitForLine(l => l.StartsWith("holding 1 pin", StringComparison.Ordinal));
            File.WriteAllText(manifest, Manifest(nginx, store, [new("m", "v1", [ModelFiles.Serve(nginx, "m/b/weights.bin", 50_000, 2)])]));
            var (code, output) = await DaemonRunner.VerbAsync("sync", "--manifest", manifest);
            Assert.True(code != 0, output);
            Assert.Contains("models/m/v1 is pinned by a running pod and the manifest gives version v1 other content", output, StringComparison.Ordinal);
            Assert.Equal(first, Digests(v1));
            Assert.Empty(nginx.Requests("/m/b/weights.bin"));
            holder.Signal("KILL");
            holder.WaitForExit();
        }
        finally
        {
            holder.Dispose();
        }

        await Verb("sync", "--manifest", manifest);
        Assert.NotEqual(first, Digests(v1));
    }
}

using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// Symlinks planted in the store that point outside it (in a version dir, as <c>current/m</c>, as
/// <c>models/m</c>): neither the gate nor the daemon's sync, verify or gc may read, trust, write or delete
/// through them. Every test ends by comparing the outside directory with its snapshot from before.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class SymlinkEscapeTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly PublishedModel _model;
    private readonly string _outside;

    public SymlinkEscapeTests(FaultServer server, ITestOutputHelper output)
    {
        _output = output;
        _model = new PublishedModel(server, _store, output);
        _outside = Path.Combine(_store.Dir, "outside");
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "not the store's to read or delete");
    }

    public void Dispose() => _store.Dispose();

    private Task<DaemonResult> Verb(params string[] args) => DaemonRunner.RunAsync(_output, args);

    [Fact]
    public async Task GcVerify_SymlinksInsideAVersionDir_NeverFollowed()
    {
        await _model.SyncAsync("v1");
        var v1 = _store.VersionDir("m", "v1");
        File.CreateSymbolicLink(Path.Combine(v1, "escape-dir"), _outside);
        File.CreateSymbolicLink(Path.Combine(v1, "onnx", "escape-file"), Path.Combine(_outside, "secret.txt"));
        var before = TestStore.Snapshot(_outside);

        // Strays the marker does not list are not part of the version: what it lists is still intact.
        Assert.Equal(0, GateCheck.CheckFull(_output, _store.Root, ["m@v1"]).ExitCode);
        Assert.Equal(0, (await Verb("verify", "--root", _store.Root)).ExitCode);
        _store.KeepVersions = 0;
        var v2 = await _model.SyncAsync("v2");
        var gc = await Verb("gc", "--manifest", v2);

        Assert.Equal(0, gc.ExitCode);
        Assert.False(Directory.Exists(v1), "v1 should have been collected (keepVersions 0)");
        Assert.Equal(before, TestStore.Snapshot(_outside));
        _model.AssertReady("v2");
    }

    [Fact]
    public async Task GateVerifySync_ListedFileReplacedByASymlink_RefusedCondemnedRepaired()
    {
        var manifest = await _model.SyncAsync("v1");
        var config = Path.Combine(_store.VersionDir("m", "v1"), "config.json");
        // Same bytes outside: only the link itself is wrong, so a check that followed it would pass.
        File.WriteAllBytes(Path.Combine(_outside, "config.json"), _model.Content("v1", "config.json"));
        File.Delete(config);
        File.CreateSymbolicLink(config, Path.Combine(_outside, "config.json"));
        var before = TestStore.Snapshot(_outside);

        var gate = GateCheck.CheckFull(_output, _store.Root, ["m"]);
        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("symlink", gate.Out, StringComparison.Ordinal);
        var verify = await Verb("verify", "--root", _store.Root);
        Assert.Equal(1, verify.ExitCode);
        Assert.Equal("Corrupted", _store.Entry("m").Error?.Reason);

        Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, _output)).ExitCode);
        Assert.Equal(0, (await Verb("gc", "--manifest", manifest)).ExitCode);

        _model.AssertReady("v1");
        Assert.Null(new FileInfo(config).LinkTarget);
        Assert.Equal(before, TestStore.Snapshot(_outside));
    }

    [Fact]
    public async Task Sync_CurrentLinkPointingOutside_ReplacedNotFollowed()
    {
        var manifest = await _model.SyncAsync("v1");
        var link = _store.Layout.CurrentLink("m");
        File.Delete(link);
        File.CreateSymbolicLink(link, _outside);
        var before = TestStore.Snapshot(_outside);

        // The gate goes by the inventory's path, never by current/.
        Assert.Equal(0, GateCheck.CheckFull(_output, _store.Root, ["m@v1"]).ExitCode);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, _output)).ExitCode);
        Assert.Equal(0, (await Verb("gc", "--manifest", manifest)).ExitCode);

        Assert.Equal("../models/m/v1", _store.CurrentTarget("m"));
        _model.AssertReady("v1");
        Assert.Equal(before, TestStore.Snapshot(_outside));
    }

    [Fact]
    public async Task GateVerifySyncGc_ModelDirIsASymlinkOutside_NotTrustedNotWrittenNotDeleted()
    {
        var manifest = await _model.SyncAsync("v1");
        // models/m now leads outside, to a perfect copy of v1 (marker and all): trusting it would "work".
        var modelDir = _store.Layout.ModelDir("m");
        var copy = Path.Combine(_outside, "m");
        Directory.Move(modelDir, copy);
        File.CreateSymbolicLink(modelDir, copy);
        var before = TestStore.Snapshot(_outside);

        var gate = GateCheck.CheckFull(_output, _store.Root, ["m"]);
        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("symlink", gate.Out, StringComparison.Ordinal);
        var verify = await Verb("verify", "--root", _store.Root);
        Assert.Equal(1, verify.ExitCode);
        Assert.Equal(before, TestStore.Snapshot(_outside));

        var sync = await DaemonRunner.SyncAsync(manifest, _output);
        Assert.Equal(1, sync.ExitCode);
        var entry = _store.Entry("m");
        Assert.NotEqual(ModelState.Ready, entry.State);
        Assert.Contains("symlink", entry.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(before, TestStore.Snapshot(_outside));

        Assert.Equal(0, (await Verb("gc", "--manifest", manifest)).ExitCode);
        Assert.Equal(before, TestStore.Snapshot(_outside));
        Assert.Equal(copy, new FileInfo(modelDir).LinkTarget);
    }

    [Fact]
    public async Task SyncGc_VersionDirIsASymlinkOutside_ReplacedByARealCopy()
    {
        var manifest = await _model.SyncAsync("v1");
        var versionDir = _store.VersionDir("m", "v1");
        var copy = Path.Combine(_outside, "v1");
        Directory.Move(versionDir, copy);
        File.CreateSymbolicLink(versionDir, copy);
        // Not writable by its owner: a publisher that chmods through the link would change it (snapshots skip modes).
        const UnixFileMode readOnly = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(copy, readOnly);
        var before = TestStore.Snapshot(_outside);
        var requests = _model.Requests;

        Assert.Equal(1, GateCheck.CheckFull(_output, _store.Root, ["m"]).ExitCode);
        Assert.Equal(0, (await DaemonRunner.SyncAsync(manifest, _output)).ExitCode);
        Assert.Equal(0, (await Verb("gc", "--manifest", manifest)).ExitCode);

        // A marker seen through the link vouches for nothing: downloaded again, swapped in, the link unlinked.
        Assert.True(_model.Requests > requests, "the version behind a symlink must not be taken as published");
        Assert.Null(new FileInfo(versionDir).LinkTarget);
        _model.AssertReady("v1");
        Assert.Equal(0, GateCheck.CheckFull(_output, _store.Root, ["m@v1"]).ExitCode);
        Assert.Equal(before, TestStore.Snapshot(_outside));
        Assert.Equal(readOnly, File.GetUnixFileMode(copy));
    }

    [Fact]
    public async Task Sync_StagingIsASymlinkOutside_FailsNamingItAndWritesNothingThere()
    {
        await _model.SyncAsync("v1");
        var staging = _store.Layout.StagingRoot;
        Directory.CreateDirectory(staging);
        Directory.Delete(staging, recursive: true);
        File.CreateSymbolicLink(staging, _outside);
        var before = TestStore.Snapshot(_outside);

        await _model.SyncAsync("v2", expectedExit: 1);

        var entry = _store.Entry("m");
        Assert.Equal("StorageError", entry.Error?.Reason);
        Assert.Contains("symlink", entry.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(before, TestStore.Snapshot(_outside));
        Assert.Equal(0, GateCheck.CheckFull(_output, _store.Root, ["m"]).ExitCode); // v1 still serves
    }

    [Fact]
    public async Task Sync_StateDirIsASymlinkOutside_ExitsThreeBeforeWritingAnything()
    {
        var manifest = await _model.SyncAsync("v1");
        var state = _store.Layout.StateDir;
        Directory.Move(state, Path.Combine(_outside, "state"));
        File.CreateSymbolicLink(state, Path.Combine(_outside, "state"));
        var before = TestStore.Snapshot(_outside);

        var sync = await DaemonRunner.SyncAsync(manifest, _output);

        Assert.Equal(3, sync.ExitCode);
        Assert.Contains(".modelsync is a symlink", sync.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, TestStore.Snapshot(_outside));
    }
}

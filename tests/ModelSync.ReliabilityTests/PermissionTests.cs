using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// Odd modes on published files and directories, seen by the gate and the daemon running as the
/// unprivileged user of the deployment. The rule: content decides, modes do not. A writable bit alone is
/// not damage (the digest still matches); what cannot be read is never served, but is not condemned
/// either (it may be a passing mistake; docs/operations.md); an unsearchable directory fails closed.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class PermissionTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly PublishedModel _model;

    public PermissionTests(FaultServer server, ITestOutputHelper output)
    {
        _output = output;
        _model = new PublishedModel(server, _store, output);
    }

    public void Dispose() => _store.Dispose();

    private async Task<string> PublishAndHandOverAsync()
    {
        var manifest = await _model.SyncAsync("v1");
        Unprivileged.Chown(_store.Root);
        return manifest;
    }

    private string ModelBin => Path.Combine(_store.VersionDir("m", "v1"), "onnx", "model.bin");

    [RootFact]
    public async Task GateAndVerify_PublishedFileMadeWritable_StillServedBecauseContentMatches()
    {
        await PublishAndHandOverAsync();
        File.SetUnixFileMode(ModelBin, (UnixFileMode)0b110_110_110);

        Assert.Equal(0, Unprivileged.Gate(_output, _store.Root, "m@v1").ExitCode);
        Assert.Equal(0, Unprivileged.Daemon(_output, "verify", "--root", _store.Root).ExitCode);
        Assert.Equal(ModelState.Ready, _store.Entry("m").State);
    }

    [RootFact]
    public async Task GateAndVerify_PublishedFileUnreadable_NotServedReportedNotCondemned()
    {
        await PublishAndHandOverAsync();
        File.SetUnixFileMode(ModelBin, UnixFileMode.None);

        var gate = Unprivileged.Gate(_output, _store.Root, "m@v1");
        var verify = Unprivileged.Daemon(_output, "verify", "--root", _store.Root);

        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("onnx/model.bin", gate.Output, StringComparison.Ordinal);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("onnx/model.bin", verify.Output, StringComparison.Ordinal);
        Assert.Equal(ModelState.Ready, _store.Entry("m").State);
        Assert.True(File.Exists(_store.Layout.MarkerPath("m", "v1")), "an unreadable file must not cost the version its marker");
    }

    [RootFact]
    public async Task GateSyncGc_VersionDirNotSearchable_FailsClosedThenRepaired()
    {
        var manifest = await PublishAndHandOverAsync();
        File.SetUnixFileMode(_store.VersionDir("m", "v1"), UnixFileMode.None);

        Assert.Equal(1, Unprivileged.Gate(_output, _store.Root, "m").ExitCode);
        var sync = Unprivileged.Daemon(_output, "sync", "--manifest", manifest);
        var gc = Unprivileged.Daemon(_output, "gc", "--manifest", manifest);

        Assert.Equal(0, sync.ExitCode);
        Assert.Equal(0, gc.ExitCode);
        Assert.Equal(0, Unprivileged.Gate(_output, _store.Root, "m@v1").ExitCode);
        _model.AssertReady("v1");
    }
}

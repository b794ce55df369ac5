using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Cli;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using static ModelSync.Daemon.Tests.Manifest.Directories.ManifestTexts;

namespace ModelSync.Daemon.Tests.Hosting;

/// <summary>Run mode on <c>--manifest DIR</c>: a real directory laid out as kubelet lays out a projected volume,
/// updated as kubelet updates it (<see cref="KubeletVolume"/>).</summary>
public sealed class ManifestDirectoryReloadTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly KubeletVolume _volume;
    private readonly List<ModelManifest> _applied = [];

    public ManifestDirectoryReloadTests() => _volume = new KubeletVolume(_dir.Combine("models"));

    public void Dispose() => _dir.Dispose();

    private string FileIn(string name) => Path.Combine(_volume.Path, name);

    private static Dictionary<string, string> Files(string teamA, string teamB, string? settings = null) =>
        new() { ["00-settings.yaml"] = settings ?? Settings(), ["team-a.yaml"] = teamA, ["team-b.yaml"] = teamB };

    private (ManifestInForce InForce, ManifestReloader Reloader) Start(Dictionary<string, string> files)
    {
        _volume.Write(files);
        var started = Daemon.Manifest.Directories.ManifestDirectoryLoader.LoadLeavingOut(_volume.Path, SourceKinds.Create().Syntax);
        var inForce = new ManifestInForce(started.Manifest!, _time.GetUtcNow());
        inForce.Changed += _applied.Add;
        return (inForce, new ManifestReloader(_volume.Path, inForce, SourceKinds.Create(), _time, NullLogger<ManifestReloader>.Instance));
    }

    private static string Version(ManifestInForce inForce, string model) => inForce.Current.Models.Single(m => m.Name == model).Version;

    [Fact]
    public void CheckNow_EditOfOneFile_Reloads_WatchingTheDirectoryItself()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));
        Assert.Equal(_volume.Path, reloader.WatchedDirectory);
        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());

        _volume.Write(Files(Models(("a1", "1")), Models(("b1", "2"))));

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal("2", Version(inForce, "b1"));
        Assert.Null(inForce.LastFailure);
        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());
    }

    [Fact]
    public void CheckNow_BadFile_KeepsItsOwnLastGood_TheOtherFilesChangesApply_FixApplies()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));

        _volume.Write(Files(Models(("a1", "2")) + "    colour: red\n", Models(("b1", "2"))));

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(("1", "2"), (Version(inForce, "a1"), Version(inForce, "b1")));
        var problem = Assert.Single(inForce.LastFailure!.Problems);
        Assert.StartsWith($"{FileIn("team-a.yaml")}:9:5: models[0].colour: unknown key", problem, StringComparison.Ordinal);
        Assert.Equal(1, inForce.Snapshot().Rejections);

        // Team b again, team a still bad: still named, counted once.
        _volume.Write(Files(Models(("a1", "2")) + "    colour: red\n", Models(("b1", "3"))));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(("1", "3"), (Version(inForce, "a1"), Version(inForce, "b1")));
        Assert.Equal((1, 1L), (inForce.LastFailure!.Problems.Count, inForce.Snapshot().Rejections));

        _volume.Write(Files(Models(("a1", "2")), Models(("b1", "3"))));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal("2", Version(inForce, "a1"));
        Assert.Null(inForce.LastFailure);
    }

    [Fact]
    public void CheckNow_ModelMovesToAnotherFileInOneUpdate_NeverLeavesTheManifestInForce()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1"), ("moving", "1")), Models(("b1", "1"))));

        _volume.Write(Files(Models(("a1", "1")), Models(("b1", "1"), ("moving", "1"))));

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Null(inForce.LastFailure);
        Assert.NotEmpty(_applied);
        Assert.All(_applied, m => Assert.Contains(m.Models, s => s.Name == "moving"));
    }

    [Fact]
    public void CheckNow_ModelMovesIntoAFileThatIsBad_StaysInForceAsItWas_UntilThatFileIsGood()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1"), ("moving", "1")), Models(("b1", "1"))));

        _volume.Write(Files(Models(("a1", "2")), Models(("b1", "1"), ("moving", "2")) + "    colour: red\n"));

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(("2", "1"), (Version(inForce, "a1"), Version(inForce, "moving")));
        Assert.All(inForce.LastFailure!.Problems, p => Assert.StartsWith(FileIn("team-b.yaml") + ":", p, StringComparison.Ordinal));
        Assert.All(_applied, m => Assert.Contains(m.Models, s => s.Name == "moving"));

        _volume.Write(Files(Models(("a1", "2")), Models(("b1", "1"), ("moving", "2"))));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal("2", Version(inForce, "moving"));
        Assert.Null(inForce.LastFailure);
    }

    [Fact]
    public void CheckNow_NewNameThatAnotherFileHas_HoldsBackTheChangedFile_NotTheOneInForce()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));

        // team-a sorts first, yet it did not change: team-b's new content is the one held back.
        _volume.Write(Files(Models(("a1", "1")), Models(("b1", "2"), ("a1", "9"))));

        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        Assert.Equal(("1", "1"), (Version(inForce, "a1"), Version(inForce, "b1")));
        var problem = Assert.Single(inForce.LastFailure!.Problems);
        Assert.StartsWith($"{FileIn("team-b.yaml")}:", problem, StringComparison.Ordinal);
        Assert.Contains($"model 'a1' is also in {FileIn("team-a.yaml")}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckNow_FirstLook_UnchangedSinceStart_ParsesNothing_AnEditBeforeItIsSeen()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));
        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());
        Assert.Empty(_applied);

        _volume.Write(Files(Models(("a1", "1")), Models(("b1", "1"))));
        var started = Daemon.Manifest.Directories.ManifestDirectoryLoader.LoadLeavingOut(_volume.Path, SourceKinds.Create().Syntax);
        _volume.Write(Files(Models(("a1", "2")), Models(("b1", "1")))); // lands between the load and the reloader
        var late = new ManifestInForce(started.Manifest!, _time.GetUtcNow());
        var lateReloader = new ManifestReloader(_volume.Path, late, SourceKinds.Create(), _time, NullLogger<ManifestReloader>.Instance);

        Assert.Equal(ReloadOutcome.Reloaded, lateReloader.CheckNow());
        Assert.Equal("2", Version(late, "a1"));
    }

    [Fact]
    public void Start_FileBadFromTheStart_IsNotInForce_TheOthersRun_NamedUntilFixed()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")) + "    colour: red\n", Models(("b1", "1"))));

        Assert.Equal(["b1"], inForce.Current.Models.Select(m => m.Name));
        Assert.All(inForce.LastFailure!.Problems, p => Assert.StartsWith(FileIn("team-a.yaml") + ":", p, StringComparison.Ordinal));
        // The first look sees the startup read itself: nothing parsed again, the bad file still named.
        Assert.Equal(ReloadOutcome.Unchanged, reloader.CheckNow());
        Assert.Equal(1, inForce.Snapshot().Rejections);
        Assert.All(inForce.LastFailure!.Problems, p => Assert.StartsWith(FileIn("team-a.yaml") + ":", p, StringComparison.Ordinal));

        _volume.Write(Files(Models(("a1", "1")), Models(("b1", "1"))));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(["a1", "b1"], inForce.Current.Models.Select(m => m.Name));
        Assert.Null(inForce.LastFailure);
    }

    [Fact]
    public void CheckNow_StoreRootChange_HeldBackInItsFile_TeamChangesApply_ProxyNeedsRestart()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));

        _volume.Write(Files(Models(("a1", "2")), Models(("b1", "1")), Settings(root: "/elsewhere")));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(("/var/lib/models", "2"), (inForce.Current.Store.Root, Version(inForce, "a1")));
        Assert.StartsWith($"{FileIn("00-settings.yaml")}:2:9: store.root: changed from /var/lib/models to /elsewhere", inForce.LastFailure!.Problems[0], StringComparison.Ordinal);

        _volume.Write(Files(Models(("a1", "2")), Models(("b1", "1")), Settings(sync: "  proxy: http://127.0.0.1:3128\n")));
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(["sync.proxy"], inForce.RestartRequired);
        Assert.Null(inForce.LastFailure);
    }

    [Fact]
    public void CheckNow_SyncChangeThatAnotherFileFails_HoldsBackTheSettingsFile_OtherChangesApply()
    {
        var fileModel = "models:\n  - name: local\n    version: \"1\"\n    files:\n      - path: a.bin\n        url: file:///srv/models/a.bin\n        size: 1\n        sha256: " + Sha + "\n";
        var (inForce, reloader) = Start(Files(fileModel, Models(("b1", "1")), Settings(sync: "  allowedFileRoots: [/srv/models]\n")));

        _volume.Write(Files(fileModel, Models(("b1", "2")), Settings(sync: "  interval: 1m\n")));

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal("2", Version(inForce, "b1"));
        Assert.Equal(["/srv/models"], inForce.Current.Sync.AllowedFileRoots);
        Assert.Contains(inForce.Current.Models, m => m.Name == "local");
        Assert.Contains(inForce.LastFailure!.Problems, p => p.StartsWith(FileIn("team-a.yaml") + ":", StringComparison.Ordinal));
        Assert.Contains(inForce.LastFailure.Problems, p => p.StartsWith($"{FileIn("00-settings.yaml")}: its change is not applied", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckNow_FileRemoved_ItsModelsLeave_DirectoryGone_KeepsWhatIsInForce()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));

        _volume.Write(new Dictionary<string, string> { ["00-settings.yaml"] = Settings(), ["team-a.yaml"] = Models(("a1", "1")) });
        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(["a1"], inForce.Current.Models.Select(m => m.Name));

        Directory.Delete(_volume.Path, recursive: true);
        Assert.Equal(ReloadOutcome.Rejected, reloader.CheckNow());
        Assert.Equal(["a1"], inForce.Current.Models.Select(m => m.Name));
        Assert.StartsWith($"{_volume.Path}: cannot list the manifest directory", inForce.LastFailure!.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void CheckNow_SettingsFileRemoved_RemovalHeldBack_StoreStays_TeamChangesApply()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));

        // Without it store.root would fall back to the default: the store cannot move, so the removal waits.
        _volume.Write(new Dictionary<string, string> { ["team-a.yaml"] = Models(("a1", "2")), ["team-b.yaml"] = Models(("b1", "1")) });

        Assert.Equal(ReloadOutcome.Reloaded, reloader.CheckNow());
        Assert.Equal(("/var/lib/models", "2"), (inForce.Current.Store.Root, Version(inForce, "a1")));
        Assert.Contains($"{FileIn("00-settings.yaml")}: its removal is not applied: with it, the files have the problems listed", inForce.LastFailure!.Problems);
    }

    [Fact]
    public async Task Watcher_KubeletSwap_IsSeenByTheDirectoryWatch_NotTheNextPoll()
    {
        var (inForce, reloader) = Start(Files(Models(("a1", "1")), Models(("b1", "1"))));
        using var watcher = new ManifestWatcher(reloader, _time, NullLogger<ManifestWatcher>.Instance);
        using var watch = watcher.Watch();
        Assert.NotNull(watch);
        using var cts = new CancellationTokenSource();
        var loop = watcher.RunAsync(cts.Token);
        var started = _time.GetUtcNow();
        _volume.Write(Files(Models(("a1", "1")), Models(("b1", "2"))));

        // The fake clock runs the debounce but never reaches the poll tick: only the watch event can reload.
        await Eventually.WaitAsync(() =>
        {
            if (_time.GetUtcNow() - started + ManifestWatcher.Debounce < ManifestWatcher.PollInterval)
            {
                _time.Advance(ManifestWatcher.Debounce / 3);
            }

            return Version(inForce, "b1") == "2";
        }, "the swap of ..data to reload the directory", timeout: TimeSpan.FromSeconds(30));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public void LoadManifest_ForRun_PrintsTheFileLeftOut()
    {
        _volume.Write(Files(Models(("a1", "1")) + "    colour: red\n", Models(("b1", "1"))));

        var manifest = CommonOptions.LoadManifest(_volume.Path, leaveOutBadFiles: true);
        var strict = CommonOptions.LoadManifest(_volume.Path);

        Assert.Equal(["b1"], manifest!.Models.Select(m => m.Name));
        Assert.Null(strict);
    }
}

using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Tests.Harness;

namespace ModelSync.Daemon.Tests.Sync;

/// <summary>
/// A pass costs what changed (issue 33): counted through the marker cache and the store-change signal, never timed.
/// Before, every model's download walked the whole store's markers and every model refreshed the hub view whole.
/// </summary>
public sealed class ReconcilerCatalogTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    private const int Models = 6;
    private readonly EngineHarness _engine = new(server);

    public void Dispose() => _engine.Dispose();

    private ManifestModel[] Catalog(string version) =>
        [.. Enumerable.Range(0, Models).Select(i => _engine.Serve($"m{i}", version, ("w.bin", Encoding.ASCII.GetBytes($"{version} of m{i}"), null)))];

    [Fact]
    public async Task ReconcileAsync_SecondPassOverUnchangedModels_ReadsNoMarkerAndRaisesNoChange()
    {
        var manifest = _engine.Load(Catalog("1"));
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        Assert.NotEmpty(_engine.Raised);
        var (reads, requests) = (_engine.Markers.Reads, _engine.Requests.Count);
        _engine.Raised.Clear();

        var again = await _engine.PassAsync(manifest);

        Assert.Equal(Models, again.Ready);
        Assert.Equal(reads, _engine.Markers.Reads);
        Assert.Empty(_engine.Raised);
        Assert.Equal(requests, _engine.Requests.Count);
    }

    [Fact]
    public async Task ReconcileAsync_FirstSync_EachModelRaisedByNameNotTheWholeStore()
    {
        var result = await _engine.PassAsync(_engine.Load(Catalog("1")));

        Assert.Equal(Models, result.Ready);
        Assert.DoesNotContain(null, _engine.Raised);
        Assert.Equal(Enumerable.Range(0, Models).Select(i => $"m{i}").Order(), _engine.Raised.SelectMany(r => r!).Order());
    }

    [Fact]
    public async Task ReconcileAsync_EveryModelBumpedAfterARestart_EachStoredMarkerReadAboutOnce()
    {
        Assert.Equal(Models, (await _engine.PassAsync(_engine.Load(Catalog("1")))).Ready);
        _engine.Markers = new MarkerCache(); // a restarted daemon knows no marker yet

        var result = await _engine.PassAsync(_engine.Load(Catalog("2")));

        Assert.Equal(Models, result.Ready);
        // Every download plans against the content index: built once, each v1 marker read once; a v2 marker may be
        // read once more by a hub refresh racing its publication. One walk per download would read Models per model.
        Assert.InRange(_engine.Markers.Reads, Models, 2 * Models);
        Assert.All(Enumerable.Range(0, Models), i => Assert.Equal("2", _engine.Lifecycle.Find($"m{i}")!.Version));
    }

    [Fact]
    public async Task ReconcileAsync_VersionDirRemovedBetweenPasses_SeenAndFetchedAgain()
    {
        var manifest = _engine.Load(Catalog("1"));
        Assert.Equal(Models, (await _engine.PassAsync(manifest)).Ready);
        var dir = _engine.Store.VersionDir("m3", "1");
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.Delete(dir, recursive: true);
        var requests = _engine.Requests.Count;

        var again = await _engine.PassAsync(manifest);

        Assert.Equal(Models, again.Ready);
        Assert.True(File.Exists(Path.Combine(dir, "w.bin")));
        Assert.Equal([$"{_engine.Scope}/m3/1/w.bin"], _engine.Requests.Skip(requests).Select(r => r.Path).Distinct());
    }
}

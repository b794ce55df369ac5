using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Placement;

/// <summary>The book of on-demand use (docs/manifest.md, "On demand"): what keeps a model, and what a restart remembers.</summary>
public sealed class OnDemandBookTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);
    private static readonly PlacementSpec Spec = new() { OnDemand = true, KeepAfterLastUse = Keep };
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-ondemand-").FullName;
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private OnDemandBook Open()
    {
        var book = new OnDemandBook(_time);
        Directory.CreateDirectory(new StoreLayout(_root).StateDir);
        book.Open(new StoreLayout(_root));
        return book;
    }

    [Fact]
    public void Asked_FirstAskStartsAFetch_LaterAsksDoNot_WantedWhileWaitingWhateverTheTime()
    {
        var book = Open();

        Assert.True(book.Asked("m", Keep));
        Assert.False(book.Asked("m", Keep));
        _time.Advance(TimeSpan.FromHours(5));

        Assert.True(book.Wanted("m", Keep)); // two gates still wait
        Assert.Equal("on demand: asked for by 2 pods waiting for it", OnDemandRules.Decide("m", Spec, book, _time.GetUtcNow()).Why);
    }

    [Fact]
    public void StoppedWaiting_KeptForKeepAfterLastUse_ThenNotWanted()
    {
        var book = Open();
        book.Asked("m", Keep);
        book.StoppedWaiting("m");

        _time.Advance(TimeSpan.FromMinutes(59));
        var kept = OnDemandRules.Decide("m", Spec, book, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(2));
        var gone = OnDemandRules.Decide("m", Spec, book, _time.GetUtcNow());

        Assert.True(kept.OnNode);
        Assert.Equal("on demand: requested 59m ago; last use 59m ago; kept until 2026-12-07 13:00:00Z", kept.Why);
        Assert.False(gone.OnNode);
        Assert.True(gone.Disused);
        Assert.Equal("on demand: requested 1h1m ago; last use 1h1m ago, past keepAfterLastUse 1h", gone.Why);
    }

    [Fact]
    public void PinsSeen_APinnedModelIsWantedPastKeep_AndItsLastUseMovesWithEachLook()
    {
        var book = Open();
        book.Asked("m", Keep);
        book.StoppedWaiting("m");
        _time.Advance(TimeSpan.FromHours(3));
        book.PinsSeen(new Dictionary<string, bool> { ["m"] = true });

        Assert.Equal("on demand: pinned by a pod", OnDemandRules.Decide("m", Spec, book, _time.GetUtcNow()).Why);
        book.PinsSeen(new Dictionary<string, bool> { ["m"] = false });
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(book.Wanted("m", Keep)); // last use: the look that found it pinned, 30 minutes ago
    }

    [Fact]
    public void Open_ARestartedDaemonRemembersUse_AndStartsTheClockForAModelOnDiskItNeverSaw()
    {
        var book = Open();
        book.Asked("m", Keep);
        book.StoppedWaiting("m");
        _time.Advance(TimeSpan.FromMinutes(30));

        var restarted = Open();
        restarted.PinsSeen(new Dictionary<string, bool> { ["other"] = false });

        Assert.Equal(T0, restarted.Use("m")!.LastUsedAt);
        Assert.Equal(0, restarted.Waiting("m")); // waiting gates are the old process's connections
        Assert.Equal(_time.GetUtcNow(), restarted.Use("other")!.LastUsedAt);
    }

    [Fact]
    public void Evicted_ForgetsUse_NotWantedUntilAskedAgain()
    {
        var book = Open();
        book.Asked("m", Keep);
        book.StoppedWaiting("m");

        book.Evicted("m");

        Assert.False(book.Wanted("m", Keep));
        Assert.Equal("on demand: not asked for on this node", OnDemandRules.Decide("m", Spec, book, _time.GetUtcNow()).Why);
        Assert.True(book.Asked("m", Keep));
    }

    [Fact]
    public void StoppedWaiting_SoonAfterASave_WrittenWithTheNextLookNotAtOnce()
    {
        var book = Open();
        book.Asked("m", Keep); // the first ask is written at once
        _time.Advance(TimeSpan.FromSeconds(5));
        book.StoppedWaiting("m");

        var before = Open2().Use("m")!.LastUsedAt;
        book.PinsSeen(new Dictionary<string, bool>());
        var after = Open2().Use("m")!.LastUsedAt;

        Assert.Equal(T0, before);
        Assert.Equal(T0.AddSeconds(5), after);
    }

    /// <summary>A second reader of the same file (a restarted daemon).</summary>
    private OnDemandBook Open2()
    {
        var book = new OnDemandBook(_time);
        book.Open(new StoreLayout(_root));
        return book;
    }
}

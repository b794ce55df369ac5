using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Hosting;
using ModelSync.TestKit;

namespace ModelSync.Daemon.Tests.Hosting;

public sealed class IdleTrimTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private long _allocated;
    private int _collections;
    private long _pageOuts;
    private bool _passRunning;

    [Theory]
    [InlineData(5 << 20, 5 << 20, 0, true)] // 5 MiB since the last trim, nothing since the last tick
    [InlineData(5 << 20, 3 << 20, 0, false)] // still allocating
    [InlineData(600 << 10, 600 << 10, 0, false)] // too little to be worth a collection
    [InlineData(9 << 20, (9 << 20) - (64 << 10), 8 << 20, true)] // quiet but for the timers; 1 MiB since the trim
    public void Due_ActivityThenQuiet_OnlyThen(long now, long lastTick, long lastTrim, bool due) =>
        Assert.Equal(due, IdleTrim.Due(now, lastTick, lastTrim));

    [Fact]
    public void TickOnce_BusyThenQuiet_TrimsOnceAndAgainOnlyAfterNewActivity()
    {
        using var trim = NewTrim();

        var ticks = new[] { 4 << 20, 4 << 20, 0, 16 << 10, 0, 0, 2 << 20, 0 }.Select(allocate =>
        {
            _allocated += allocate;
            return trim.TickOnce();
        });

        // A pass, page views, quiet: trimmed; timers only: nothing more; new activity, quiet: trimmed again.
        Assert.Equal([false, false, true, false, false, false, false, true], ticks.ToArray());
        Assert.Equal(2, _collections);
        Assert.Equal(2, _pageOuts); // the code pages go back with each trim, never on their own
    }

    [Fact]
    public void TickOnce_DuringAPass_CollectsAndPagesOutOnceThePassIsOver()
    {
        using var trim = NewTrim();
        _passRunning = true;
        _allocated += 4 << 20;
        trim.TickOnce(); // busy

        Assert.True(trim.TickOnce()); // quiet: collected, but the pass's code stays
        Assert.Equal((1, 0L), (_collections, _pageOuts));

        _passRunning = false;
        Assert.False(trim.TickOnce()); // the pass over: the page-out it owed, without a second collection
        Assert.Equal((1, 1L), (_collections, _pageOuts));
        trim.TickOnce();
        Assert.Equal(1L, _pageOuts); // and only once
    }

    [Fact]
    public async Task Run_OnTheFakeClock_TrimsWhenActivityStops()
    {
        using var trim = NewTrim();
        await trim.StartAsync(CancellationToken.None);
        Interlocked.Add(ref _allocated, 8 << 20);

        await Eventually.WaitAsync(() =>
        {
            _time.Advance(IdleTrim.Tick);
            return Volatile.Read(ref _collections) == 1;
        }, "the idle trim to collect once the allocations stopped");

        await trim.StopAsync(CancellationToken.None);
    }

    private IdleTrim NewTrim() =>
        new(_time, NullLogger<IdleTrim>.Instance, () => _passRunning, () => Interlocked.Read(ref _allocated), () => Interlocked.Increment(ref _collections), () => Interlocked.Increment(ref _pageOuts));
}

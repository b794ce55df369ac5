using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;

namespace ModelSync.Daemon.Tests.Hosting;

public sealed class HealthAndRatesTests
{
    private static readonly SyncSettings Sync = new() { Interval = TimeSpan.FromMinutes(30) };

    [Fact]
    public void Health_IdleLoop_IsHealthyUntilHeartbeatOlderThanTwiceTheInterval()
    {
        var time = new FakeTimeProvider();
        var status = new ReconcileStatus(time);
        status.LockAcquired();
        status.Waiting(time.GetUtcNow() + Sync.Interval);

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Null(HealthPolicy.Check(status.View(), Sync, time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.NotNull(HealthPolicy.Check(status.View(), Sync, time.GetUtcNow()));
    }

    [Fact]
    public void Health_PassInProgress_IsHealthyWhileItMakesProgress()
    {
        var time = new FakeTimeProvider();
        var status = new ReconcileStatus(time);
        status.LockAcquired();
        status.PassStarted();
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMinutes(50));
            status.Activity();
            Assert.Null(HealthPolicy.Check(status.View(), Sync, time.GetUtcNow()));
        }

        time.Advance(TimeSpan.FromMinutes(61));
        Assert.Contains("no progress", HealthPolicy.Check(status.View(), Sync, time.GetUtcNow()), StringComparison.Ordinal);
    }

    [Fact]
    public void Health_WaitingForTheLock_IsAlive()
    {
        var time = new FakeTimeProvider();
        var status = new ReconcileStatus(time);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Null(HealthPolicy.Check(status.View(), Sync, time.GetUtcNow()));
    }

    [Fact]
    public void LiveRates_AverageOverTheWindow_AndForgetOldBytes()
    {
        var time = new FakeTimeProvider();
        var rates = new LiveRates(time);
        rates.Add("m", 5_000_000);
        time.Advance(TimeSpan.FromSeconds(1));
        rates.Add("m", 5_000_000);

        Assert.Equal(2_000_000, rates.Snapshot()["m"]);
        time.Advance(LiveRates.Window + TimeSpan.FromSeconds(1));
        Assert.Empty(rates.Snapshot());
    }
}

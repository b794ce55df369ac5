using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Hosting;

public sealed class StoreLockHolderTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private StoreLockHolder Holder(StoreLayout layout) =>
        new(layout, () => ModelLifecycle.Open(layout, "node", "run", _time, NullLoggerFactory.Instance), new StoreChanges(), _time, NullLogger<StoreLockHolder>.Instance);

    [Fact]
    public async Task AcquireAsync_LockHeldElsewhere_WaitsThenTakesItOnceReleased()
    {
        var layout = new StoreLayout(_dir.Combine("store"));
        var other = StoreLock.TryAcquire(layout)!; // flock is per open file: this conflicts even in-process
        using var holder = Holder(layout);

        var acquiring = holder.AcquireAsync(CancellationToken.None);
        _time.Advance(StoreLockHolder.RetryEvery * 3);
        await Task.Yield();
        Assert.False(holder.IsHeld);

        other.Dispose();
        // Hang guard only: each fake second lets the retry try again.
        for (var i = 0; i < 200 && !acquiring.IsCompleted; i++)
        {
            _time.Advance(StoreLockHolder.RetryEvery);
            await Task.Delay(10);
        }

        await acquiring.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(holder.IsHeld);
        Assert.Null(StoreLock.TryAcquire(layout));
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_StopsWaiting()
    {
        var layout = new StoreLayout(_dir.Combine("store"));
        using var other = StoreLock.TryAcquire(layout)!;
        using var holder = Holder(layout);
        using var cts = new CancellationTokenSource();

        var acquiring = holder.AcquireAsync(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acquiring.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(holder.IsHeld);
    }

    [Fact]
    public async Task SessionAsync_BeforeTheLock_WaitsThenYieldsTheSessionAcquireMade()
    {
        var layout = new StoreLayout(_dir.Combine("store"));
        using var holder = Holder(layout);

        var waiting = holder.SessionAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        Assert.Null(holder.Session);

        var acquired = await holder.AcquireAsync(CancellationToken.None);
        var session = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Same(acquired, session);
        Assert.Same(session, holder.Session);
        Assert.Same(layout, session.Layout);
        Assert.Empty(session.Lifecycle.Snapshot().Models);
    }
}

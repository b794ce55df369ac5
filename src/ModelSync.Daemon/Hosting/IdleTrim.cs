using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Gives memory back once the daemon goes quiet. The GC only decommits at a collection, and an idle daemon
/// allocates too little to trigger one, so whatever a pass, a page view or a scrape left committed (gen0's
/// budget follows the L3 cache: tens of MB) would stay in the node's RSS until the next pass, hours away.
/// Every <see cref="Tick"/> it compares the bytes allocated so far: once at least <see cref="Activity"/>
/// were allocated since the last trim and the last tick saw almost none, one aggressive collection
/// (compacting, decommitting what is free) runs. While allocating it never runs; idle, once; at most once per
/// <see cref="Activity"/> allocated (a long download allocates little, so a few ms of pause now and then).
/// After the collection, the code pages mapped so far go back too (<see cref="CodePages.PageOut()"/>), unless a
/// pass is running: a long download is quiet, and its own code would fault straight back in from a busy disk.
/// </summary>
internal sealed class IdleTrim(
    TimeProvider time,
    ILogger<IdleTrim> logger,
    Func<bool>? passRunning = null,
    Func<long>? allocated = null,
    Action? collect = null,
    Func<long>? pageOut = null) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    /// <summary>Allocation since the last trim worth giving back (less is the timers' own).</summary>
    public const long Activity = 1 << 20;

    /// <summary>Allocation within a tick that still counts as quiet.</summary>
    public const long Quiet = 128 << 10;

    private readonly Func<long> _allocated = allocated ?? (() => GC.GetTotalAllocatedBytes());
    private readonly Action _collect = collect ?? (() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
    private readonly Func<bool> _passRunning = passRunning ?? (() => false);
    private readonly Func<long> _pageOut = pageOut ?? CodePages.PageOut;
    private long _lastTick;
    private long _lastTrim;
    private bool _pageOutOwed;

    /// <summary>Whether to trim now: active since the last trim, quiet since the last tick.</summary>
    public static bool Due(long now, long lastTick, long lastTrim) => now - lastTrim >= Activity && now - lastTick < Quiet;

    /// <summary>One tick: reads the allocation counter and trims when <see cref="Due"/>; true when it did.</summary>
    public bool TickOnce()
    {
        var now = _allocated();
        var due = Due(now, _lastTick, _lastTrim);
        var quiet = now - _lastTick < Quiet;
        long advised = 0;
        if (due)
        {
            _collect();
            _pageOutOwed = true;
        }

        // Deferred past a pass, the page-out comes at the first quiet tick after it, whatever was allocated since.
        if (_pageOutOwed && quiet && !_passRunning())
        {
            advised = _pageOut();
            _pageOutOwed = false;
        }

        if ((due || advised > 0) && logger.IsEnabled(LogLevel.Debug))
        {
            var gc = GC.GetGCMemoryInfo();
            Log.IdleTrimmed(logger, (now - _lastTrim) >> 20, gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20, advised >> 20, CodePages.ResidentBytes() >> 20);
        }

        if (due)
        {
            now = _allocated();
            _lastTrim = now;
        }

        _lastTick = now;
        return due;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _lastTick = _allocated();
        try
        {
            using var timer = new PeriodicTimer(Tick, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                TickOnce();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

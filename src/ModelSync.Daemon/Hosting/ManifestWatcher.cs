using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Notices manifest changes two ways, so neither a missed inotify event nor a slow poll delays a reload
/// for long: a <see cref="FileSystemWatcher"/> on the manifest's directory (any event: a ConfigMap update
/// swaps the <c>..data</c> symlink there, the file itself never changes), and a content-hash check every
/// <see cref="PollInterval"/>. Events are debounced (<see cref="Debounce"/>) so a burst of them, as a
/// ConfigMap swap makes, is one reload.
/// </summary>
internal sealed class ManifestWatcher(ManifestReloader reloader, TimeProvider time, ILogger<ManifestWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Something changed in the manifest's directory.</summary>
    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one check covers both.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = Watch();
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The loop without the file system watcher (tests drive it with <see cref="Signal"/> and a fake clock).</summary>
    internal async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var signalled = _signal.WaitAsync(wake.Token);
                var tick = Task.Delay(PollInterval, time, wake.Token);
                var first = await Task.WhenAny(signalled, tick);
                await wake.CancelAsync();
                ct.ThrowIfCancellationRequested();
                if (first == signalled)
                {
                    // Let the burst settle; events arriving meanwhile are covered by this check.
                    await Task.Delay(Debounce, time, ct);
                    _signal.Wait(0, CancellationToken.None);
                }
            }

            reloader.CheckNow();
        }
    }

    /// <summary>The file system watch alone, signalling this loop (tests start it before <see cref="RunAsync"/>).</summary>
    internal FileSystemWatcher? Watch()
    {
        var directory = reloader.WatchedDirectory;
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size
                    | NotifyFilters.Attributes | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Signal();
            watcher.Created += (_, _) => Signal();
            watcher.Deleted += (_, _) => Signal();
            watcher.Renamed += (_, _) => Signal();
            watcher.Error += (_, _) => Signal();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            Log.WatchFailed(logger, directory, ex.Message);
            return null;
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }
}

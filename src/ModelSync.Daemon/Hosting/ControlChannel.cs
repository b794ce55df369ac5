using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Http;
using ModelSync.Daemon.Logging;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// The unix socket in the store's state dir on which <c>run</c> answers live verify/gc/retry
/// (<see cref="ControlEndpoints"/>). Opened only once the store lock is ours, so a second daemon waiting
/// for the lock never takes over the first one's socket; the directory is 0700 and the socket 0600, so
/// only the daemon's user (root in the DaemonSet) gets in, and no port opens to the cluster.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ControlChannel(StoreLockHolder storeLock, ILiveOperations operations, ILogger<ControlChannel> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? socket = null;
        WebApplication? app = null;
        try
        {
            var layout = (await storeLock.SessionAsync(stoppingToken)).Layout;
            socket = layout.ControlSocketPath;
            Directory.CreateDirectory(layout.ControlDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(layout.ControlDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Delete(socket); // a killed daemon's socket; the lock says nobody else listens on it
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socket));
            app = builder.Build();
            app.MapControlEndpoints(operations);
            await app.StartAsync(stoppingToken);
            File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Log.ControlListening(logger, socket);
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The daemon's job is syncing; without the channel the verbs say the store is locked, as before.
            Log.ControlFailed(logger, ex, socket ?? "(none)");
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }

            if (socket is not null && storeLock.IsHeld)
            {
                File.Delete(socket);
            }
        }

    }
}

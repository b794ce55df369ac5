using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Requests;

namespace ModelSync.Daemon.Requests;

/// <summary>
/// The request socket (docs/store-format.md, "Requests"): <c>.modelsync/request.sock</c>, mode 0666, so a gate in
/// any pod on the node asks through its read-only mount of the store, whatever its uid. Opened once the store lock
/// is ours (as <see cref="ControlChannel"/>). At most <see cref="RequestProtocol.MaxConnections"/> clients at once: one
/// more is answered <c>error</c> and closed, and a flood is logged once until it ends.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed partial class RequestChannel(
    StoreLockHolder storeLock, RequestDesk desk, OnDemandBook book, ModelReadyWatch watch, TimeProvider time, ILogger<RequestChannel> logger) : BackgroundService
{
    private readonly SemaphoreSlim _slots = new(RequestProtocol.MaxConnections, RequestProtocol.MaxConnections);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? path = null;
        Socket? listener = null;
        try
        {
            var session = await storeLock.SessionAsync(stoppingToken);
            path = session.Layout.RequestSocketPath;
            Directory.CreateDirectory(session.Layout.StateDir);
            File.Delete(path); // a killed daemon's socket; the lock says nobody else listens on it
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110); // connect() needs write permission, for any uid
            listener.Listen(RequestProtocol.MaxConnections);
            Log.Listening(logger, path);
            var flooded = false;
            while (true)
            {
                var client = await listener.AcceptAsync(stoppingToken);
                if (!await _slots.WaitAsync(0, stoppingToken))
                {
                    if (!flooded)
                    {
                        flooded = true;
                        Log.Flooded(logger, RequestProtocol.MaxConnections);
                    }

                    _ = TurnAwayAsync(client);
                    continue;
                }

                flooded = false;
                var connection = new RequestConnection(client, desk, book, session.Lifecycle, watch, time, logger);
                _ = ServeAsync(connection, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
        {
            // Preloaded models do not need it; on-demand ones wait, and the gate says no daemon answers.
            Log.Failed(logger, ex, path ?? "(none)");
        }
        finally
        {
            listener?.Dispose();
            if (path is not null && storeLock.IsHeld)
            {
                File.Delete(path);
            }
        }
    }

    private async Task ServeAsync(RequestConnection connection, CancellationToken ct)
    {
        try
        {
            await connection.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _slots.Release();
        }
    }

    private static async Task TurnAwayAsync(Socket client)
    {
        using (client)
        {
            try
            {
                var busy = RequestProtocol.Format(new AnswerLine(AnswerKind.Error, null, $"busy: {RequestProtocol.MaxConnections} connections open; try again"));
                await client.SendAsync(Encoding.UTF8.GetBytes(busy), SocketFlags.None);
            }
            catch (SocketException)
            {
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2800, LogLevel.Information, "request socket {Path}: pods on this node may ask for on-demand models")]
        public static partial void Listening(ILogger logger, string path);

        [LoggerMessage(2803, LogLevel.Warning, "request socket: {Max} connections open, further ones are turned away (logged once until a slot frees)")]
        public static partial void Flooded(ILogger logger, int max);

        [LoggerMessage(2804, LogLevel.Error, "request socket {Path} not opened: on-demand models cannot be asked for")]
        public static partial void Failed(ILogger logger, Exception ex, string path);
    }
}

using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Requests;

namespace ModelSync.Daemon.Requests;

/// <summary>
/// One client of the request socket: reads bounded lines, answers each in order, then tells it when the models it
/// waits for are Ready or failed. Bounds (<see cref="RequestProtocol"/>): a line too long, an unknown verb, too many
/// requests in all or in a second end the connection with <c>error</c>; the first refusal is logged, once.
/// A client that waits for nothing and says nothing for <see cref="IdleLimit"/> is closed.
/// </summary>
internal sealed partial class RequestConnection(Socket socket, RequestDesk desk, OnDemandBook book, ModelLifecycle lifecycle, ModelReadyWatch watch, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string?> _waiting = new(StringComparer.Ordinal);
    private readonly LineReader _reader = new(socket);
    private bool _logged;

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            var requests = 0;
            var windowStart = time.GetUtcNow();
            var inWindow = 0;
            Task<string?>? read = null;
            while (true)
            {
                read ??= _reader.ReadLineAsync(ct);
                if (_waiting.Count > 0)
                {
                    var look = watch.NextAsync(time, ct);
                    if (await Task.WhenAny(read, look) == look)
                    {
                        await TellOutcomesAsync(ct);
                        continue;
                    }
                }
                else if (await Task.WhenAny(read, Task.Delay(IdleLimit, time, ct)) != read)
                {
                    return;
                }

                var line = await read;
                read = null;
                if (line is null)
                {
                    return; // the client closed
                }

                var now = time.GetUtcNow();
                if (now - windowStart >= TimeSpan.FromSeconds(1))
                {
                    (windowStart, inWindow) = (now, 0);
                }

                var problem = ++requests > RequestProtocol.MaxRequestsPerConnection ? $"more than {RequestProtocol.MaxRequestsPerConnection} requests on one connection"
                    : ++inWindow > RequestProtocol.MaxRequestsPerSecond ? $"more than {RequestProtocol.MaxRequestsPerSecond} requests in a second"
                    : null;
                var request = problem is null ? RequestProtocol.ParseRequest(line, out problem) : null;
                if (request is null)
                {
                    await RefuseAsync(problem!, ct);
                    return;
                }

                // Asked again on this connection while waiting: the same answer, and the book counts this gate once
                // (each ask it counts is ended once, when the connection ends).
                var answer = request.Verb == RequestVerb.Want && _waiting.ContainsKey(request.Name)
                    ? new AnswerLine(AnswerKind.Fetching, request.Name, null)
                    : desk.Answer(request, lifecycle);
                if (answer.Kind == AnswerKind.No && !_logged)
                {
                    _logged = true;
                    Log.Refused(logger, request.Name, answer.Detail ?? "");
                }

                if (answer.Kind == AnswerKind.Fetching)
                {
                    _waiting.TryAdd(request.Name, lifecycle.Find(request.Name)?.Error?.Message);
                }

                await SendAsync(answer, ct);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or LineTooLongException)
        {
            if (ex is LineTooLongException)
            {
                await TryRefuseAsync($"a line longer than {RequestProtocol.MaxLineBytes} bytes");
            }
        }
        finally
        {
            foreach (var name in _waiting.Keys)
            {
                book.StoppedWaiting(name);
            }

            socket.Dispose();
        }
    }

    private async Task TellOutcomesAsync(CancellationToken ct)
    {
        foreach (var (name, failedBefore) in _waiting.ToList())
        {
            if (RequestDesk.Outcome(name, lifecycle, failedBefore) is not { } outcome)
            {
                continue;
            }

            if (outcome.Kind == AnswerKind.Ready)
            {
                _waiting.Remove(name);
                book.StoppedWaiting(name);
            }
            else
            {
                _waiting[name] = outcome.Detail; // told once per failure; the daemon retries, the gate waits on
            }

            await SendAsync(outcome, ct);
        }
    }

    private async Task RefuseAsync(string problem, CancellationToken ct)
    {
        desk.NotARequest();
        if (!_logged)
        {
            _logged = true;
            Log.BadRequest(logger, problem);
        }

        await SendAsync(new AnswerLine(AnswerKind.Error, null, problem), ct);
        await DrainAsync(ct);
    }

    // Closing with unread bytes makes the kernel reset the connection, and the client would never read the error:
    // say no more, then read what it still sends (bounded: 64 KiB or a second) before closing.
    private async Task DrainAsync(CancellationToken ct)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(1));
        var sink = new byte[4096];
        try
        {
            for (var total = 0; total < 64 << 10;)
            {
                var n = await socket.ReceiveAsync(sink, SocketFlags.None, bounded.Token);
                if (n == 0)
                {
                    return;
                }

                total += n;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    private async Task TryRefuseAsync(string problem)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await RefuseAsync(problem, cts.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(AnswerLine answer, CancellationToken ct)
    {
        if (answer.Kind is AnswerKind.Ready or AnswerKind.Failed)
        {
            // The gate checks the inventory file at once on these lines: it must already say so (writes are batched).
            lifecycle.Flush();
        }

        await socket.SendAsync(Encoding.UTF8.GetBytes(RequestProtocol.Format(answer)), SocketFlags.None, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(2801, LogLevel.Information, "request for '{Model}' refused: {Why} (further refusals on this connection are not logged)")]
        public static partial void Refused(ILogger logger, string model, string why);

        [LoggerMessage(2802, LogLevel.Warning, "request connection closed: {Problem} (logged once per connection)")]
        public static partial void BadRequest(ILogger logger, string problem);
    }
}

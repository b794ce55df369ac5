using System.Collections.Concurrent;
using System.Net.Sockets;
using ModelSync.Store.Layout;
using ModelSync.Store.Requests;

namespace ModelSync.Gate.Requests;

/// <summary>
/// The gate's way to the daemon's request socket across connections: connects when asked to, at most once per
/// <paramref name="retryEvery"/> (a daemon restarting comes back; a hostile one cannot make the gate spin), says
/// once in the gate's whole run that no daemon answers (unless <paramref name="withoutDaemon"/> is null: quiet),
/// and gathers what every connection hears in one queue with
/// one wake signal for the wait to block on.
/// </summary>
internal sealed class RequestChannel(StoreLayout layout, TimeSpan retryEvery, TimeProvider time, TextWriter log, string? withoutDaemon) : IDisposable
{
    private readonly ConcurrentQueue<DaemonNews> _news = new();
    private readonly AutoResetEvent _wake = new(false);
    private RequestClient? _client;
    private long? _triedAt;
    private bool _saidNoDaemon;

    public string Path => layout.RequestSocketPath;

    /// <summary>Set after each line or end of a connection.</summary>
    public WaitHandle Wake => _wake;

    /// <summary>Counts the connections made, so a caller knows what it sent on the open one.</summary>
    public int Connection { get; private set; }

    /// <summary>True with an open connection: the one there was, or a new one when the last try is old enough.</summary>
    public bool TryConnect()
    {
        if (_client is { IsOpen: true })
        {
            return true;
        }

        _client?.Dispose();
        _client = null;
        var now = time.GetTimestamp();
        if (_triedAt is { } tried && time.GetElapsedTime(tried, now) < retryEvery)
        {
            return false;
        }

        _triedAt = now;
        try
        {
            var serial = Connection + 1;
            _client = RequestClient.Connect(Path, news => _news.Enqueue(news with { Connection = serial }), _wake);
            Connection = serial;
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            if (!_saidNoDaemon && withoutDaemon is not null)
            {
                _saidNoDaemon = true;
                log.WriteLine($"no daemon answers on {Path} ({Why(ex)}): {withoutDaemon}");
            }

            return false;
        }
    }

    /// <summary>Sends on the open connection; false when there is none (it is tried again later).</summary>
    public bool Send(RequestVerb verb, string name) => _client?.Send(new RequestLine(verb, name)) == true;

    public bool TryTake(out DaemonNews? news) => _news.TryDequeue(out news);

    public void Dispose()
    {
        _client?.Dispose();
        _wake.Dispose();
    }

    /// <summary>The reason, short: a missing socket (the runtime reports ENOENT as "address not available"), a
    /// refused connection (a socket left by a daemon that is gone), no permission, a path too long for a socket.</summary>
    private static string Why(Exception ex) => ex switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => "no socket there",
        SocketException { SocketErrorCode: SocketError.AccessDenied } => "permission denied",
        SocketException s => $"error {s.ErrorCode}",
        _ => "path too long for a unix socket",
    };
}

using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace ModelSync.Gate.Tests.Support;

/// <summary>
/// Stands in for the daemon's request socket (docs/store-format.md, "Requests") in gate tests: listens on a real
/// unix socket at the store's <c>.modelsync/request.sock</c>, records every request line, answers each with what
/// <c>answer(connection, line)</c> returns (raw text, sent as is; null sends nothing), and can send later lines
/// (<c>ready</c>, <c>failed</c>) to every open connection. The daemon's own answers are the daemon tests' business.
/// </summary>
public sealed class FakeRequestDaemon : IDisposable
{
    private readonly Socket _listener;
    private readonly string _path;
    private readonly Func<int, string, string?> _answer;
    private readonly List<Socket> _connections = [];
    private readonly List<string> _received = [];
    private readonly BlockingCollection<string> _requests = [];

    public FakeRequestDaemon(string socketPath, Func<int, string, string?> answer)
    {
        _path = socketPath;
        _answer = answer;
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(8);
        new Thread(Accept) { IsBackground = true }.Start();
    }

    /// <summary>Every request line received so far, in order, over all connections.</summary>
    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Blocks until the next request line arrives (a hang guard fails a test that waits forever).</summary>
    public string NextRequest()
    {
        using var guard = new CancellationTokenSource(GateProcess.HangGuard);
        return _requests.Take(guard.Token);
    }

    /// <summary>Sends <paramref name="text"/> (whole lines, with their <c>\n</c>) to every open connection.</summary>
    public void SendToAll(string text)
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                try
                {
                    connection.Send(Encoding.UTF8.GetBytes(text));
                }
                catch (SocketException)
                {
                    // That client is gone; the others still get it.
                }
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        File.Delete(_path);
        _requests.Dispose();
    }

    private void Accept()
    {
        for (var number = 1; ; number++)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(connection);
            }

            var n = number;
            new Thread(() => Serve(connection, n)) { IsBackground = true }.Start();
        }
    }

    private void Serve(Socket connection, int number)
    {
        var pending = new StringBuilder();
        var buffer = new byte[512];
        try
        {
            int read;
            while ((read = connection.Receive(buffer)) > 0)
            {
                pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
                for (var end = pending.ToString().IndexOf('\n', StringComparison.Ordinal); end >= 0; end = pending.ToString().IndexOf('\n', StringComparison.Ordinal))
                {
                    var line = pending.ToString(0, end);
                    pending.Remove(0, end + 1);
                    lock (_received)
                    {
                        _received.Add(line);
                    }

                    if (_answer(number, line) is { } answer)
                    {
                        connection.Send(Encoding.UTF8.GetBytes(answer));
                    }

                    _requests.Add(line);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The gate closed, or the test ended.
        }

        lock (_connections)
        {
            _connections.Remove(connection);
        }
    }
}

using System.Net.Sockets;
using System.Text;
using ModelSync.Store.Requests;

namespace ModelSync.Gate.Requests;

/// <summary>
/// One connection to the daemon's request socket (docs/store-format.md, "Requests"): sends <c>want</c>/<c>check</c>
/// lines and reads the daemon's lines on a background thread into <paramref name="news"/>, setting
/// <paramref name="wake"/> after each, so a waiting gate learns of a <c>ready</c> without waiting for its next poll.
/// A raw socket, not HttpClient: the gate is a small AOT binary.
/// </summary>
internal sealed class RequestClient : IDisposable
{
    private readonly Socket _socket;
    private readonly Queue<RequestLine> _unanswered = new();
    private readonly Action<DaemonNews> _news;
    private readonly EventWaitHandle _wake;
    private int _closed;

    private RequestClient(Socket socket, Action<DaemonNews> news, EventWaitHandle wake)
    {
        _socket = socket;
        _news = news;
        _wake = wake;
    }

    /// <summary>False once the daemon closed the connection or it was dropped.</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>Connects to <paramref name="path"/>; throws <see cref="SocketException"/> when nobody answers there.</summary>
    public static RequestClient Connect(string path, Action<DaemonNews> news, EventWaitHandle wake)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new RequestClient(socket, news, wake);
        new Thread(client.Read) { IsBackground = true, Name = "modelsync-requests" }.Start();
        return client;
    }

    /// <summary>Sends one request; false when the connection is gone (the caller connects again later).</summary>
    public bool Send(RequestLine request)
    {
        var line = request.Verb == RequestVerb.Want ? RequestProtocol.Want(request.Name) : RequestProtocol.Check(request.Name);
        lock (_unanswered)
        {
            _unanswered.Enqueue(request);
        }

        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(line));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close(null);
            return false;
        }
    }

    public void Dispose()
    {
        // Closed first, so the reader's failing Receive is not news.
        Interlocked.Exchange(ref _closed, 1);
        _socket.Dispose();
    }

    private void Read()
    {
        var buffer = new byte[1024];
        var line = new byte[RequestProtocol.MaxLineBytes];
        var length = 0;
        try
        {
            while (true)
            {
                var read = _socket.Receive(buffer);
                if (read == 0)
                {
                    Close(null);
                    return;
                }

                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b != (byte)'\n')
                    {
                        if (length == line.Length - 1)
                        {
                            // A line ends within MaxLineBytes with its '\n': more is not our daemon speaking.
                            Close($"sent a line longer than {RequestProtocol.MaxLineBytes} bytes");
                            return;
                        }

                        line[length++] = b;
                        continue;
                    }

                    var text = Encoding.UTF8.GetString(line, 0, length);
                    length = 0;
                    if (RequestProtocol.ParseAnswer(text) is not { } answer)
                    {
                        Close("sent a line that is none of the protocol's answers");
                        return;
                    }

                    Publish(new DaemonNews(Answered(answer), answer, null));
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close(null);
        }
    }

    /// <summary>The request this line answers: each request gets one line, in order; a line about another model
    /// than the oldest unanswered request's is a later one (<c>ready</c>/<c>failed</c> after <c>fetching</c>).</summary>
    private RequestLine? Answered(AnswerLine answer)
    {
        lock (_unanswered)
        {
            if (_unanswered.TryPeek(out var oldest) && (answer.Kind == AnswerKind.Error || answer.Name == oldest.Name))
            {
                return _unanswered.Dequeue();
            }

            return null;
        }
    }

    private void Close(string? why)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing left to shut.
        }

        Publish(new DaemonNews(null, null, why ?? ""));
    }

    private void Publish(DaemonNews news)
    {
        _news(news);
        _wake.Set();
    }
}

using System.Net.Sockets;
using System.Text;

namespace ModelSync.Daemon.OpsTests.Support;

/// <summary>A raw client of the daemon's request socket (docs/store-format.md, "Requests"): what a gate or a hostile
/// process in a pod can send, line by line.</summary>
public sealed class RequestSocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly StreamReader _reader;

    private RequestSocket(string path)
    {
        _socket.Connect(new UnixDomainSocketEndPoint(path));
        _reader = new StreamReader(new NetworkStream(_socket, ownsSocket: false), Encoding.UTF8);
    }

    public static RequestSocket Connect(string path) => new(path);

    public void Send(string text) => _socket.Send(Encoding.UTF8.GetBytes(text));

    /// <summary>The daemon's next line, or null when it closed the connection; a hang guard of a minute.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await _reader.ReadLineAsync(guard.Token);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _socket.Dispose();
    }
}

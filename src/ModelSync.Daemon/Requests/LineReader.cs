using System.Net.Sockets;
using System.Text;
using ModelSync.Store.Requests;

namespace ModelSync.Daemon.Requests;

/// <summary>A line longer than <see cref="RequestProtocol.MaxLineBytes"/>: the connection ends.</summary>
internal sealed class LineTooLongException : Exception;

/// <summary>Reads <c>\n</c>-ended lines of at most <see cref="RequestProtocol.MaxLineBytes"/> bytes from a socket,
/// never buffering more than that: a client cannot make the daemon hold more than a line per connection.</summary>
internal sealed class LineReader(Socket socket)
{
    private readonly byte[] _buffer = new byte[RequestProtocol.MaxLineBytes];
    private int _length;

    /// <summary>The next line without its <c>\n</c> (and a <c>\r</c> before it), or null at the end of the stream.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var end = Array.IndexOf(_buffer, (byte)'\n', 0, _length);
            if (end >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, 0, end).TrimEnd('\r');
                Buffer.BlockCopy(_buffer, end + 1, _buffer, 0, _length - end - 1);
                _length -= end + 1;
                return line;
            }

            if (_length == _buffer.Length)
            {
                throw new LineTooLongException();
            }

            var read = await socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None, ct);
            if (read == 0)
            {
                return null;
            }

            _length += read;
        }
    }
}

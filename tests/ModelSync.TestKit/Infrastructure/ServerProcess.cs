using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ModelSync.TestKit;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>
/// A real server as a child process on a free 127.0.0.1 port: started, waited for until it accepts a
/// connection, and stopped with its children. A free port can be taken between probing and the server's
/// bind, so a start that does not come up is retried on another port.
/// </summary>
public sealed class ServerProcess(string name, TimeSpan timeout)
{
    private const int Attempts = 5;

    public Process? Process { get; private set; }

    public int Port { get; private set; }

    /// <param name="start">Starts the server on the port given.</param>
    /// <param name="whyExited">What the server said when it exited before listening (its log, stderr).</param>
    public async Task StartAsync(Func<int, Task<Process>> start, Func<Process, string> whyExited)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            Port = Ports.Free();
            Process = await start(Port);
            try
            {
                await WaitListeningAsync(whyExited);
                return;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
                Stop();
            }
        }

        throw new InvalidOperationException($"{name} did not start: {last?.Message}", last);
    }

    public void Stop()
    {
        if (Process is { HasExited: false })
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process?.Dispose();
        Process = null;
    }

    private async Task WaitListeningAsync(Func<Process, string> whyExited)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Process!.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {Process.ExitCode}: {whyExited(Process)}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"{name} not listening on {Port} after {timeout.TotalSeconds:0}s");
    }
}

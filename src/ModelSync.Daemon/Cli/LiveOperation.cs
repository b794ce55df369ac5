using System.Net.Http.Json;
using System.Net.Sockets;
using ModelSync.Daemon.Http;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Cli;

/// <summary>
/// A verb whose store is locked by <c>run</c> asks the running daemon over its control socket
/// (<c>.modelsync/control/daemon.sock</c>) to do the work, and prints the answer as if it had done it
/// itself. No socket, or nobody answering on it (a one-shot <c>sync</c> holds the lock), is the old answer:
/// the store is locked, exit <see cref="ExitCodes.StoreUnusable"/>.
/// </summary>
internal static class LiveOperation
{
    public const string Verify = "/v1/verify";

    public static string Gc(bool dryRun) => dryRun ? "/v1/gc?dryRun=true" : "/v1/gc";

    public static string Retry(string? model) => model is null ? "/v1/retry" : $"/v1/retry?model={Uri.EscapeDataString(model)}";

    public static async Task<int> AskAsync(StoreLayout layout, string request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var holder = StoreLock.ReadHolder(layout) is { } pid ? $"pid {pid}" : "pid unknown";
        ControlReply? reply;
        try
        {
            reply = await SendAsync(layout.ControlSocketPath, request, ct);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException or IOException || !File.Exists(layout.ControlSocketPath))
        {
            error.WriteLine($"store {layout.Root} is locked by another ModelSync process ({holder}): {layout.LockPath}; no daemon answers on {layout.ControlSocketPath} (a one-shot sync?): try again when it ends");
            return ExitCodes.StoreUnusable;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException)
        {
            error.WriteLine($"the running daemon ({holder}) did not answer {request} on {layout.ControlSocketPath}: {ex.Message}");
            return ExitCodes.DaemonUnavailable;
        }

        error.WriteLine($"store locked by the running daemon ({holder}); it did this over {layout.ControlSocketPath}");
        foreach (var line in reply!.Output)
        {
            output.WriteLine(line);
        }

        foreach (var line in reply.Errors)
        {
            error.WriteLine(line);
        }

        return ControlOutcome.ExitCode(reply.Outcome);
    }

    private static async Task<ControlReply?> SendAsync(string socket, string request, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, c) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), c);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        // A verify of a large store takes as long as hashing it: no timeout but the operator's Ctrl-C.
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, BaseAddress = new Uri("http://modelsync-daemon") };
        using var response = await client.PostAsync(new Uri(request, UriKind.Relative), content: null, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(ControlJsonContext.Default.ControlReply, ct);
    }
}

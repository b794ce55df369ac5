using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// <c>run --listen</c> (or <c>MODELSYNC_LISTEN</c>): checked before anything starts, so a bad value is a one-line
/// usage error rather than Kestrel's stack trace; and the bind failures a good value can still meet (the port in
/// use, an address this host does not have, a port below 1024 without the right) told in one line too.
/// </summary>
internal static class ListenAddress
{
    /// <summary>Null when Kestrel can listen on <paramref name="value"/> (URLs separated by <c>;</c>), else why not,
    /// with the URL meant when the scheme is missing.</summary>
    public static string? Problem(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is empty; write a URL such as http://0.0.0.0:9090";
        }

        foreach (var url in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (ProblemOf(url) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? ProblemOf(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            var meant = "http://" + url;
            return ProblemOf(meant) is null
                ? $"'{url}' has no scheme; write {meant}"
                : $"'{url}' is not a URL; write one such as http://0.0.0.0:9090";
        }

        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return $"'{url}' is not a URL; write one such as http://0.0.0.0:9090";
        }

        if (!address.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            return address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase)
                ? $"'{url}': the daemon serves plain http only (no certificate to serve https with); write http://{address.Host}:{address.Port}"
                : $"'{url}': the scheme must be http";
        }

        if (address.PathBase.Length > 0)
        {
            return $"'{url}': no path; the endpoints are at the root (write http://{address.Host}:{address.Port})";
        }

        if (!address.IsUnixPipe && (address.Host.Length == 0 || address.Port is < 0 or > 65535))
        {
            return $"'{url}' is not HOST:PORT with a port 0-65535; write one such as http://0.0.0.0:9090";
        }

        return null;
    }

    /// <summary>The one line for a bind failure of a valid URL; null for anything else (a bug: its stack trace stays).</summary>
    public static string? BindFailure(Exception exception, string listen) => exception switch
    {
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } =>
            $"cannot listen on {listen}: the address is in use (another process, or another daemon, listens there); stop it, or pick a free port with --listen (MODELSYNC_LISTEN)",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } =>
            $"cannot listen on {listen}: no such address on this host; use one of its addresses, or 0.0.0.0",
        SocketException { SocketErrorCode: SocketError.AccessDenied } =>
            $"cannot listen on {listen}: permission denied (a port below 1024 needs root or CAP_NET_BIND_SERVICE)",
        SocketException s => $"cannot listen on {listen}: {s.Message}",
        IOException { InnerException: SocketException s } => $"cannot listen on {listen}: {s.Message}",
        _ => null,
    };

    /// <summary>The host's own "Hosting failed to start" (Microsoft.Extensions.Hosting event 11) for a bind failure
    /// that <c>run</c> reports itself in one line: left out of the log, with its stack trace.</summary>
    public static bool IsReportedByRun(LogEvent e) =>
        e.Exception is { } ex && BindFailure(ex, "") is not null
        && e.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" }
        && e.Properties.TryGetValue("EventId", out var id) && id is StructureValue s
        && s.Properties.Any(p => p.Name == "Id" && p.Value is ScalarValue { Value: 11 });
}

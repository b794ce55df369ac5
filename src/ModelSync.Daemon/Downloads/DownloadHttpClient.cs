using System.Net;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads;

/// <summary>The one <see cref="HttpClient"/> of the process. Redirects are off: <see cref="HttpSource"/>
/// follows them itself to keep tokens on their origin. No overall timeout: large files take as long as
/// they take, a stall is caught per read instead.</summary>
internal static class DownloadHttpClient
{
    public static HttpClient Create(SyncSettings sync)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = sync.StallTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            UseCookies = false,
            UseProxy = sync.Proxy is not null,
            Proxy = sync.Proxy is null ? null : new WebProxy(sync.Proxy),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"ModelSync/{typeof(DownloadHttpClient).Assembly.GetName().Version?.ToString(3) ?? "0"}");
        return client;
    }
}

using System.Diagnostics;
using System.Globalization;
using ModelSync.TestKit;
using Xunit;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>One line of the access log: <c>$request $status $http_range $bytes_sent</c>.</summary>
public sealed record AccessLogLine(string Method, string Path, int Status, string? Range, long BytesSent)
{
    public static AccessLogLine Parse(string line)
    {
        // "GET /path HTTP/1.1 206 bytes=10- 1234": the request line has spaces, so read from the end.
        var parts = line.Split(' ');
        var n = parts.Length;
        return new AccessLogLine(
            parts[0],
            parts[1],
            int.Parse(parts[n - 3], CultureInfo.InvariantCulture),
            parts[n - 2] == "-" ? null : parts[n - 2],
            long.Parse(parts[n - 1], CultureInfo.InvariantCulture));
    }
}

/// <summary>What <see cref="NginxFixture.HubCache"/> runs: scripts/hub-cache.sh's options.</summary>
public sealed record HubCacheOptions(string Upstream, string? HttpOrigins = null, string Slice = "1m");

/// <summary>
/// The one nginx of the test kit: a private nginx (<c>/usr/sbin/nginx</c>, <c>daemon off</c>) on a free
/// 127.0.0.1 port with its own prefix, config and access log, serving <see cref="WebRoot"/>; under
/// <c>/slow/</c> responses are held to <see cref="SlowRate"/> bytes/s (<c>limit_rate</c>) until
/// <see cref="Unthrottle"/>, to keep a model Downloading long enough to observe. Or, made by
/// <see cref="HubCache"/>, running the hub-cache config that scripts/hub-cache.sh renders. Works as root
/// (<c>user root;</c>) and not. A collection fixture (<see cref="IAsyncLifetime"/>) or, for one test,
/// <see cref="StartAsync"/> with <c>using</c>.
/// </summary>
public sealed class NginxFixture : IAsyncLifetime, IDisposable, IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    private readonly ServerProcess _server = new("nginx", TimeSpan.FromSeconds(20));
    private HubCacheOptions? _hubCache;

    /// <summary>The hub-cache (deploy/kustomize/components/hub-cache) in front of <paramref name="options"/>' upstream.</summary>
    public static NginxFixture HubCache(HubCacheOptions options) => new() { _hubCache = options };

    /// <summary>A started nginx for one test; <paramref name="slowRate"/> is nginx's <c>limit_rate</c> under <c>/slow/</c>.</summary>
    public static async Task<NginxFixture> StartAsync(string slowRate = "32k")
    {
        var nginx = new NginxFixture { SlowRate = slowRate };
        await nginx.InitializeAsync();
        return nginx;
    }

    /// <summary>nginx's <c>limit_rate</c> for requests under <c>/slow/</c> (e.g. <c>32k</c>, <c>1m</c>).</summary>
    public string SlowRate { get; init; } = "32k";

    /// <summary>The hub-cache's cache directory (blobs/, hub/).</summary>
    public string CacheDir => Path.Combine(Prefix, "cache");

    public NginxFixture()
    {
        Prefix = Path.Combine(Path.GetTempPath(), "modelsync-it", "nginx-" + Guid.NewGuid().ToString("N")[..8]);
        WebRoot = Path.Combine(Prefix, "www");
    }

    public string Prefix { get; }

    public string WebRoot { get; }

    public int Port { get; private set; }

    public string Origin => $"http://127.0.0.1:{Port}";

    /// <summary><see cref="Origin"/> with a trailing slash.</summary>
    public string BaseUrl => Origin + "/";

    public string AccessLog => Path.Combine(Prefix, "access.log");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} not found: run 'bash scripts/install-deps.sh' (package nginx-light)");
        }

        Directory.CreateDirectory(Path.Combine(WebRoot, "slow"));
        Directory.CreateDirectory(Path.Combine(Prefix, "tmp"));
        await _server.StartAsync(
            async port =>
            {
                Port = port;
                if (_hubCache is null)
                {
                    WriteConfig();
                }
                else
                {
                    await RenderHubCacheAsync(_hubCache);
                }

                return Process.Start(new ProcessStartInfo(Binary)
                {
                    ArgumentList = { "-p", Prefix + "/", "-c", Path.Combine(Prefix, "nginx.conf"), "-e", Path.Combine(Prefix, "error.log") },
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
            },
            process => $"{process.StandardError.ReadToEnd()} {(File.Exists(Path.Combine(Prefix, "error.log")) ? File.ReadAllText(Path.Combine(Prefix, "error.log")) : "")}");
    }

    private void WriteConfig()
    {
        var tmp = Path.Combine(Prefix, "tmp");
        // nginx refuses to start as root without a user; as root, stay root so it can read the temp dirs.
        var user = Environment.IsPrivilegedProcess ? "user root;\n" : "";
        File.WriteAllText(Path.Combine(Prefix, "nginx.conf"), $$"""
            {{user}}daemon off;
            worker_processes 1;
            pid {{Prefix}}/nginx.pid;
            error_log {{Prefix}}/error.log info;
            events { worker_connections 128; }
            http {
                log_format modelsync '$request $status $http_range $bytes_sent';
                access_log {{AccessLog}} modelsync;
                client_body_temp_path {{tmp}}/body;
                proxy_temp_path {{tmp}}/proxy;
                fastcgi_temp_path {{tmp}}/fastcgi;
                uwsgi_temp_path {{tmp}}/uwsgi;
                scgi_temp_path {{tmp}}/scgi;
                default_type application/octet-stream;
                sendfile on;
                server {
                    listen 127.0.0.1:{{Port}};
                    root {{WebRoot}};
                    location / { }
                    location /slow/ {
                        limit_rate {{SlowRate}};
                        if (-f {{Prefix}}/unthrottle) { set $limit_rate 0; }
                    }
                }
            }
            """);
    }

    /// <summary>scripts/hub-cache.sh --render writes nginx.conf under the prefix, as it does for a foreground run.</summary>
    private async Task RenderHubCacheAsync(HubCacheOptions options)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RepoRoot.Path, "scripts", "hub-cache.sh"), "--render", "--dir", Prefix, "--upstream", options.Upstream, "--listen", $"127.0.0.1:{Port}", "--slice", options.Slice },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (options.HttpOrigins is not null)
        {
            info.ArgumentList.Add("--http-origins");
            info.ArgumentList.Add(options.HttpOrigins);
        }

        using var render = Process.Start(info)!;
        var stderr = render.StandardError.ReadToEndAsync();
        await render.StandardOutput.ReadToEndAsync();
        await render.WaitForExitAsync();
        if (render.ExitCode != 0)
        {
            throw new InvalidOperationException($"hub-cache.sh --render failed ({render.ExitCode}): {await stderr}");
        }
    }

    /// <summary>From now on, new requests under <c>/slow/</c> are served at full speed.</summary>
    public void Unthrottle() => File.WriteAllText(Path.Combine(Prefix, "unthrottle"), "");

    /// <summary>Writes a file to serve and returns its URL.</summary>
    public string Publish(string relativePath, byte[] content)
    {
        var path = Path.Combine(WebRoot, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return $"{Origin}/{relativePath}";
    }

    /// <summary>
    /// Access log lines for paths under <paramref name="pathPrefix"/> once every request made so far is in
    /// the log. nginx writes a line when it finalizes a request, which can be a moment after the client has
    /// the last byte; so this asks for a marker path of its own (one worker serves requests in turn) and
    /// waits (hang guard only) until the marker's line is there. Call it after the client (the daemon) has
    /// exited: a count taken then is the whole count, and a request too many is seen, not missed.
    /// </summary>
    public async Task<IReadOnlyList<AccessLogLine>> SettledRequestsAsync(string pathPrefix)
    {
        var marker = "/_settled/" + Guid.NewGuid().ToString("N");
        using (var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }))
        using (await http.GetAsync(new Uri(Origin + marker)))
        {
        }

        await Eventually.WaitAsync(() => Requests(marker).Count > 0, $"nginx to log {marker}", () => File.Exists(AccessLog) ? File.ReadAllText(AccessLog) : "(no access log)");
        return Requests(pathPrefix);
    }

    /// <summary>Access log lines for paths under <paramref name="pathPrefix"/> (nginx logs each request as it ends).</summary>
    public IReadOnlyList<AccessLogLine> Requests(string pathPrefix)
    {
        if (!File.Exists(AccessLog))
        {
            return [];
        }

        using var stream = new FileStream(AccessLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<AccessLogLine>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && AccessLogLine.Parse(line) is { } parsed && parsed.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            {
                lines.Add(parsed);
            }
        }

        return lines;
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    ValueTask IAsyncDisposable.DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _server.Stop();
        try
        {
            Directory.Delete(Prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;

namespace ModelSync.Daemon.OpsTests.Support;

/// <summary>
/// A private nginx on a free 127.0.0.1 port serving <see cref="WwwRoot"/>. Under <c>/slow/</c> responses
/// are held to <see cref="SlowRate"/> bytes/s (<c>limit_rate</c>), to keep a model Downloading long enough
/// to observe (not ready, progress bars, SIGTERM mid-download).
/// </summary>
public sealed class NginxServer : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Process _process;

    public NginxServer(string slowRate = "32k")
    {
        Port = Ports.Free();
        SlowRate = slowRate;
        WwwRoot = _dir.Combine("www");
        Directory.CreateDirectory(Path.Combine(WwwRoot, "slow"));
        var conf = _dir.Combine("nginx.conf");
        var user = Environment.UserName == "root" ? "user root;" : "";
        var temp = _dir.Path;
        File.WriteAllText(conf, $$"""
            {{user}}
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{temp}}/nginx.pid;
            error_log {{temp}}/error.log warn;
            events { worker_connections 128; }
            http {
              access_log off;
              client_body_temp_path {{temp}}/client_body;
              proxy_temp_path {{temp}}/proxy;
              fastcgi_temp_path {{temp}}/fastcgi;
              uwsgi_temp_path {{temp}}/uwsgi;
              scgi_temp_path {{temp}}/scgi;
              default_type application/octet-stream;
              server {
                listen 127.0.0.1:{{Port}};
                root {{WwwRoot}};
                location /slow/ {
                  limit_rate {{SlowRate}};
                  if (-f {{temp}}/unthrottle) { set $limit_rate 0; }
                }
              }
            }
            """);
        _process = Process.Start(new ProcessStartInfo(NginxBinary(), ["-e", $"{temp}/error.log", "-p", temp, "-c", conf])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        WaitListening();
    }

    public int Port { get; }

    public string SlowRate { get; }

    public string WwwRoot { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    /// <summary>From now on, new requests under <c>/slow/</c> are served at full speed.</summary>
    public void Unthrottle() => File.WriteAllText(_dir.Combine("unthrottle"), "");

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            _dir.Dispose();
        }
    }

    private static string NginxBinary() =>
        new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed (apt-get install nginx-light; scripts/install-deps.sh)");

    private void WaitListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited ({_process.ExitCode}): {_process.StandardError.ReadToEnd()} {File.ReadAllText(_dir.Combine("error.log"))}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException("nginx did not start listening");
    }
}

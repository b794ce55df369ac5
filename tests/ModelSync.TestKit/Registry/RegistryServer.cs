using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ModelSync.TestKit;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>How a <see cref="RegistryServer"/> is set up: plain, htpasswd, token auth, or a pull-through cache.</summary>
public sealed record RegistryOptions
{
    /// <summary>Filesystem storage; a fresh temp dir when null (two servers may share one).</summary>
    public string? StorageDir { get; init; }

    /// <summary>A bcrypt htpasswd file: Basic auth.</summary>
    public string? HtpasswdFile { get; init; }

    /// <summary>Token auth: the realm, service, issuer and the PEM certificate whose key signs the tokens.</summary>
    public (string Realm, string Service, string Issuer, string CertFile)? Token { get; init; }

    /// <summary>Pull-through cache mode in front of this origin (which must already answer).</summary>
    public string? ProxyRemoteUrl { get; init; }
}

/// <summary>
/// The CNCF distribution registry (<c>docker-registry serve</c>, Debian's <c>docker-registry</c> package) on a free
/// 127.0.0.1 port with its own config and storage; killed (the process it started, by pid) on dispose. Its access
/// log lines (<c>"GET /v2/…/blobs/sha256:… HTTP/1.1" 200 …</c>) are kept to count what it served.
/// </summary>
public sealed partial class RegistryServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/docker-registry";

    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    private RegistryServer(string dir, RegistryOptions options)
    {
        Dir = dir;
        StorageDir = options.StorageDir ?? Path.Combine(dir, "storage");
        Options = options;
    }

    public string Dir { get; }

    public string StorageDir { get; }

    public RegistryOptions Options { get; }

    public int Port { get; private set; }

    public string HostPort => $"127.0.0.1:{Port}";

    public string Origin => $"http://{HostPort}";

    public static async Task<RegistryServer> StartAsync(RegistryOptions? options = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} not found: run 'bash scripts/install-deps.sh' (package docker-registry)");
        }

        var dir = Path.Combine(Path.GetTempPath(), "modelsync-it", "registry-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var server = new RegistryServer(dir, options ?? new RegistryOptions());
        Directory.CreateDirectory(server.StorageDir);
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await server.StartOnceAsync();
                return server;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
                server.Stop();
            }
        }

        throw new InvalidOperationException($"docker-registry did not start: {last?.Message}", last);
    }

    /// <summary>Log lines of the blob GETs it answered with 200 or 206 (what it served, counted by the fleet test).</summary>
    public IReadOnlyList<string> BlobGets() => [.. _log.Where(l => BlobGet().IsMatch(l))];

    public IReadOnlyList<string> Log => [.. _log];

    /// <summary>Where the registry keeps a blob's bytes (distribution's filesystem layout), to damage one behind its back.</summary>
    public string BlobPath(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(StorageDir, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        await Task.Yield();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }

    private async Task StartOnceAsync()
    {
        Port = Ports.Free();
        var config = Path.Combine(Dir, "config.yml");
        File.WriteAllText(config, Config());
        _process = new Process { StartInfo = new ProcessStartInfo(Binary) { ArgumentList = { "serve", config }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true } };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}: {string.Join('\n', _log.TakeLast(10))}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("docker-registry did not listen within 20 s");
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    private string Config()
    {
        var auth = Options.HtpasswdFile is { } htpasswd
            ? $"auth:\n  htpasswd:\n    realm: modelsync-test\n    path: {htpasswd}\n"
            : Options.Token is { } t
                ? $"auth:\n  token:\n    realm: {t.Realm}\n    service: {t.Service}\n    issuer: {t.Issuer}\n    rootcertbundle: {t.CertFile}\n"
                : "";
        var proxy = Options.ProxyRemoteUrl is { } remote ? $"proxy:\n  remoteurl: {remote}\n" : "";
        return $"""
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: {StorageDir}
              delete:
                enabled: true
            http:
              addr: {HostPort}
            {auth}{proxy}
            """;
    }

    [GeneratedRegex(@"""GET /v2/\S+/blobs/sha256:[0-9a-f]{64} HTTP/[0-9.]+"" 20[06] ", RegexOptions.CultureInvariant)]
    private static partial Regex BlobGet();
}

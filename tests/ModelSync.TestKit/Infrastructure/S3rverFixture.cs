using System.Diagnostics;
using System.Text;
using ModelSync.TestKit;
using Xunit;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3 server: s3rver (npm, pinned in <c>tests/s3rver/package-lock.json</c>, installed by
/// <c>scripts/install-deps.sh</c>) on a free 127.0.0.1 port with its own data directory and the bucket
/// <see cref="Bucket"/>. Objects are uploaded with the Debian AWS CLI (<c>/usr/bin/aws</c>: a python shim
/// earlier on PATH may shadow <c>aws</c>). s3rver keeps each object as <c>DIR/BUCKET/KEY._S3rver_object</c>,
/// so a test can change one behind the server's back (<see cref="ObjectFile"/>).
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string Aws = "/usr/bin/aws";
    public const string Bucket = "models";

    /// <summary>s3rver's one built-in account (it refuses other keys with InvalidAccessKeyId).</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly StringBuilder _log = new();
    private readonly ServerProcess _server = new("s3rver", TimeSpan.FromSeconds(30));

    public S3rverFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "modelsync-it", "s3rver-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public string Dir { get; }

    public int Port => _server.Port;

    public string Endpoint => $"http://127.0.0.1:{Port}";

    private static string Server => RepoRoot.Combine("tests", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");

    /// <summary>What the daemon (or the CLI) needs to reach this server and nothing else: static keys, this
    /// endpoint, no instance metadata probe, no shared files from the machine's home.</summary>
    public IReadOnlyDictionary<string, string> Environment(string? endpoint = null) => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL_S3"] = endpoint ?? Endpoint,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_CONFIG_FILE"] = Path.Combine(Dir, "no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Dir, "no-aws-credentials"),
    };

    public async Task InitializeAsync()
    {
        if (!File.Exists(Server) || !File.Exists(Aws))
        {
            throw new InvalidOperationException($"{Server} or {Aws} not found: run 'bash scripts/install-deps.sh' (npm ci in tests/s3rver, package awscli)");
        }

        Directory.CreateDirectory(Dir);
        await _server.StartAsync(
            port =>
            {
                var process = Process.Start(new ProcessStartInfo("node")
                {
                    ArgumentList = { Server, "-d", Path.Combine(Dir, "data"), "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket },
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                process.OutputDataReceived += (_, e) => Append(e.Data);
                process.ErrorDataReceived += (_, e) => Append(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                return Task.FromResult(process);
            },
            _ => Log());
    }

    /// <summary>What s3rver printed (one line per request).</summary>
    public string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    /// <summary>Where s3rver keeps the bytes of <paramref name="key"/>.</summary>
    public string ObjectFile(string key) => Path.Combine(Dir, "data", Bucket, key + "._S3rver_object");

    /// <summary><c>aws s3 cp</c>: single-part below 8 MiB, multipart in 8 MiB parts above.</summary>
    public Task UploadAsync(string key, string file) => AwsAsync("s3", "cp", "--only-show-errors", file, $"s3://{Bucket}/{key}");

    /// <summary><c>aws s3api put-object --checksum-algorithm SHA256</c> (a single part).</summary>
    public Task UploadWithSha256Async(string key, string file) =>
        AwsAsync("s3api", "put-object", "--bucket", Bucket, "--key", key, "--body", file, "--checksum-algorithm", "SHA256");

    public async Task AwsAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Aws) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--endpoint-url");
        info.ArgumentList.Add(Endpoint);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Environment())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    public Task DisposeAsync()
    {
        _server.Stop();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using ModelSync.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.S3;

/// <summary>
/// <c>source: s3://…</c> against a real S3 server (s3rver), objects uploaded by the AWS CLI: single-part,
/// multipart (8 MiB parts), and with <c>--checksum-algorithm SHA256</c>. Each test has its own prefix.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class S3SourceTests : IDisposable
{
    private readonly S3rverFixture _s3;
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly string _prefix = "m-" + Guid.NewGuid().ToString("N")[..8] + "/";
    private readonly List<string> _daemonOutput = [];

    public S3SourceTests(S3rverFixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
    }

    public void Dispose() => _store.Dispose();

    private async Task<byte[]> PutAsync(string path, byte[] content, bool sha256 = false)
    {
        var file = Path.Combine(_store.Dir, "upload-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllBytesAsync(file, content);
        await (sha256 ? _s3.UploadWithSha256Async(_prefix + path, file) : _s3.UploadAsync(_prefix + path, file));
        File.Delete(file);
        return content;
    }

    private string Manifest(string extra = "", string extraSync = "")
    {
        var path = Path.Combine(_store.Dir, "s3.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {_store.Root}
              keepVersions: 2
            sync:
              retry: {"{"} maxAttempts: 2, baseDelay: 50ms, maxDelay: 200ms {"}"}
              stallTimeout: 10s
              segmentSize: 4Mi
            {extraSync}models:
              - name: llm
                source: s3://{S3rverFixture.Bucket}/{_prefix}
            {extra}
            """);
        return path;
    }

    private async Task<DaemonResult> SyncAsync(string manifest)
    {
        var result = await DaemonRunner.RunWithEnvironmentAsync(_output, _s3.Environment(), "sync", "--manifest", manifest);
        _daemonOutput.Add(result.Output);
        return result;
    }

    /// <summary>Three objects of the three upload kinds, one excluded.</summary>
    private async Task<Dictionary<string, byte[]>> UploadModelAsync()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["config.json"] = await PutAsync("config.json", Encoding.UTF8.GetBytes("{\"model_type\": \"llama\"}\n")),
            ["model.safetensors"] = await PutAsync("model.safetensors", RandomNumberGenerator.GetBytes((20 << 20) + 12345)),
            ["tokenizer/vocab.txt"] = await PutAsync("tokenizer/vocab.txt", Encoding.UTF8.GetBytes("[PAD]\n[UNK]\nhello\n"), sha256: true),
        };
        await PutAsync("onnx/model.onnx", RandomNumberGenerator.GetBytes(1 << 16));
        return files;
    }

    [Fact]
    public async Task Sync_PrefixWithMultipartObject_ReadyVerifiedGatePassesSecondSyncFetchesNothing()
    {
        var files = await UploadModelAsync();
        var manifest = Manifest("    exclude: [\"onnx/*\"]");

        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        var entry = _store.Entry("llm");
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Matches("^[0-9a-f]{32}$", entry.Version);
        Assert.Equal($"s3://{S3rverFixture.Bucket}/{_prefix}?exclude=onnx/*", entry.Source);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), entry.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        var marker = MarkerFile.TryRead(_store.VersionDir("llm", entry.Version))!;
        foreach (var (path, content) in files)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(_store.VersionDir("llm", entry.Version), path)));
            var stored = marker.Files.Single(f => f.Path == path);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Sha256);
            Assert.Equal(Digest.Xxh128(content), stored.Xxh128);
        }

        var gate = GateProcess.Run(_output, "--root", _store.Root, "--check", "--verify", "full", "--require", $"llm@{entry.Version}");
        Assert.True(gate.ExitCode == 0, string.Join(System.Environment.NewLine, gate.Stdout.Concat(gate.Stderr)));

        // The bytes behind the server change, their ETags do not: any GET now would fail the model.
        foreach (var path in files.Keys)
        {
            var bytes = File.ReadAllBytes(_s3.ObjectFile(_prefix + path));
            bytes[^1] ^= 0xff;
            File.WriteAllBytes(_s3.ObjectFile(_prefix + path), bytes);
        }

        var again = await SyncAsync(manifest);

        Assert.Equal(0, again.ExitCode);
        var after = _store.Entry("llm");
        Assert.Equal((ModelState.Ready, entry.Version), (after.State, after.Version));
        Assert.Equal(marker.PublishedAt, MarkerFile.TryRead(_store.VersionDir("llm", entry.Version))!.PublishedAt);
        AssertNoCredentialWritten();
    }

    [Fact]
    public async Task Sync_ObjectChangedInTheBucket_NewVersionAndTheOldOneKept()
    {
        await PutAsync("config.json", Encoding.UTF8.GetBytes("{\"model_type\": \"llama\"}\n"));
        await PutAsync("model.safetensors", RandomNumberGenerator.GetBytes(1 << 20));
        var manifest = Manifest();
        Assert.Equal(0, (await SyncAsync(manifest)).ExitCode);
        var first = _store.Entry("llm").Version;

        await PutAsync("config.json", Encoding.UTF8.GetBytes("{\"model_type\": \"mistral\"}\n"));
        var result = await SyncAsync(manifest);

        Assert.Equal(0, result.ExitCode);
        var second = _store.Entry("llm");
        Assert.Equal(ModelState.Ready, second.State);
        Assert.NotEqual(first, second.Version);
        Assert.Equal($"../models/llm/{second.Version}", _store.CurrentTarget("llm"));
        Assert.NotNull(MarkerFile.TryRead(_store.VersionDir("llm", first)));
        Assert.Equal("{\"model_type\": \"mistral\"}\n", File.ReadAllText(Path.Combine(_store.VersionDir("llm", second.Version), "config.json")));
        AssertNoCredentialWritten();
    }

    [Fact]
    public async Task Sync_StoredObjectCorruptedBehindTheServer_ChecksumMismatchNamingTheKey()
    {
        await PutAsync("config.json", Encoding.UTF8.GetBytes("{}\n"));
        await PutAsync("model.safetensors", RandomNumberGenerator.GetBytes(3 << 20));
        var file = _s3.ObjectFile(_prefix + "model.safetensors");
        var bytes = File.ReadAllBytes(file);
        bytes[1 << 20] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        var result = await SyncAsync(Manifest());

        Assert.NotEqual(0, result.ExitCode);
        var entry = _store.Entry("llm");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("ChecksumMismatch", entry.Error?.Reason);
        Assert.Contains($"s3://{S3rverFixture.Bucket}/{_prefix}model.safetensors", entry.Error?.Message, StringComparison.Ordinal);
        Assert.Contains("md5", entry.Error?.Message, StringComparison.Ordinal);
        Assert.Null(_store.CurrentTarget("llm"));
        AssertNoCredentialWritten();
    }

    [Fact]
    public async Task Sync_ObjectNothingVouchesFor_RefusedNamingTheKeyUnlessVerifySize()
    {
        await PutAsync("model.safetensors", RandomNumberGenerator.GetBytes(1 << 20));
        // A multipart ETag whose parts the server cannot describe (s3rver answers ?partNumber= with the whole object).
        File.WriteAllText(_s3.ObjectFile(_prefix + "model.safetensors") + ".md5", "0123456789abcdef0123456789abcdef-3");

        var refused = await SyncAsync(Manifest());

        Assert.NotEqual(0, refused.ExitCode);
        var entry = _store.Entry("llm");
        Assert.Equal(("SourceInvalid", ModelState.Failed), (entry.Error?.Reason, entry.State));
        Assert.Contains($"s3://{S3rverFixture.Bucket}/{_prefix}model.safetensors", entry.Error?.Message, StringComparison.Ordinal);

        var accepted = await SyncAsync(Manifest("    verify: size"));

        Assert.Equal(0, accepted.ExitCode);
        Assert.Contains($"s3://{S3rverFixture.Bucket}/{_prefix}model.safetensors is accepted on its size alone", accepted.Output, StringComparison.Ordinal);
        Assert.Equal(ModelState.Ready, _store.Entry("llm").State);
        Assert.NotNull(_store.Entry("llm").Files.Single().Sha256);
    }

    [Fact]
    public async Task Sync_KilledMidDownload_ResumesAndNoSignatureInTheResumeRecord()
    {
        var content = await PutAsync("model.safetensors", RandomNumberGenerator.GetBytes(16 << 20));
        var manifest = Manifest(extraSync: "  bandwidthLimit: 2Mi\n");
        var info = DaemonRunner.StartInfo("sync", "--manifest", manifest);
        foreach (var (key, value) in _s3.Environment())
        {
            info.Environment[key] = value;
        }

        using (var daemon = new DaemonProcess(info, _output))
        {
            // Past byte 0: the hashed prefix, or pieces written ahead of it (the four ranges share the 2 MiB/s, so
            // the first piece is hashed only near the end; the record follows each piece as its bytes land).
            await Eventually.WaitAsync(() => !daemon.HasExited && ResumeRecords().Select(File.ReadAllText).Any(r =>
                    !r.Contains("\"bytesDone\":0", StringComparison.Ordinal) || r.Contains("\"ahead\":[", StringComparison.Ordinal)),
                "a resume record past byte 0", timeout: TimeSpan.FromSeconds(60));
            daemon.KillHard();
        }

        var record = File.ReadAllText(ResumeRecords().Single());
        Assert.Contains("\"validator\":\"\\u0022", record, StringComparison.Ordinal); // the ETag, for If-Range
        AssertNoCredentialWritten();

        var result = await SyncAsync(Manifest());

        Assert.Equal(0, result.ExitCode);
        var entry = _store.Entry("llm");
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(_store.VersionDir("llm", entry.Version), "model.safetensors")));
        Assert.Contains("model.safetensors resumes at byte", result.Output, StringComparison.Ordinal);
    }

    private IEnumerable<string> ResumeRecords() =>
        Directory.Exists(Path.Combine(_store.Root, ".modelsync"))
            ? Directory.EnumerateFiles(Path.Combine(_store.Root, ".modelsync"), "*.json", SearchOption.AllDirectories).Where(f => f.Contains(".resume", StringComparison.Ordinal))
            : [];

    /// <summary>A presigned URL is a credential: nothing the daemon wrote or printed holds one, or the keys.</summary>
    private void AssertNoCredentialWritten()
    {
        string[] secrets = ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "Signature=", S3rverFixture.AccessKey];
        var written = Directory.EnumerateFiles(_store.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).Length < (1 << 20))
            .Select(f => (Name: f, Text: File.ReadAllText(f)))
            .Concat(_daemonOutput.Select((o, i) => (Name: $"daemon output {i}", Text: o)));
        foreach (var (name, text) in written)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{name} holds '{secret}'");
            }
        }
    }
}

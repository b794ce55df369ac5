using System.Text;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Verify;
using ModelSync.Daemon.Tests.Harness;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.TestKit.Signing;

namespace ModelSync.Daemon.Tests.Signatures;

/// <summary>A signed model through the engine (http and file sources): verified before its files are fetched and
/// again on the digests computed while streaming, recorded in marker and inventory, and refused as
/// <c>SignatureInvalid</c> (parked, nothing published, the Ready version kept) when the signature does not cover it.</summary>
public sealed class SignedSyncTests(FaultServer server, SigningKit kit) : IClassFixture<FaultServer>, IClassFixture<SigningKit>, IDisposable
{
    private static readonly (string Path, byte[] Bytes)[] Files =
        [("w.bin", Encoding.ASCII.GetBytes(new string('w', 300_000))), ("config.json", "{\"a\":1}"u8.ToArray()), ("tok/vocab.txt", "a\nb\n"u8.ToArray())];

    private readonly EngineHarness _engine = new(server);
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _engine.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Pass_SignedHttpModel_ReadySignerRecordedBundleKeptNextPassFetchesNothing()
    {
        var bundle = Sign(Files, "p256.pem");
        var model = Serve("m", "1", Files, bundle) with { Signature = $"{{ publicKey: {kit.File("p256-pub.pem")} }}" };
        var manifest = _engine.Load(model);

        var result = await _engine.PassAsync(manifest);
        var requests = _engine.Requests.Count;
        var again = await _engine.PassAsync(manifest);

        Assert.Equal(1, result.Ready);
        var marker = MarkerFile.TryReadFor(_engine.Store.VersionDir("m", "1"), "m", "1")!;
        Assert.StartsWith("key sha256:", marker.Signature!.Signer, StringComparison.Ordinal);
        Assert.Equal(3, marker.Signature.SignedFiles);
        Assert.Equal(["config.json", "tok/vocab.txt", "w.bin"], marker.Files.Select(f => f.Path).Order());
        Assert.Equal(bundle, File.ReadAllBytes(Path.Combine(_engine.Store.VersionDir("m", "1"), StoreLayout.SignatureFileName)));
        Assert.Equal(marker.Signature.BundleSha256, _engine.Lifecycle.Find("m")!.Signature!.BundleSha256);
        Assert.Equal(1, again.Ready);
        Assert.Equal(requests, _engine.Requests.Count);
    }

    [Fact]
    public async Task Pass_ChangedByteWithManifestDigestsToMatch_SignatureInvalidParkedReadyVersionKept()
    {
        var bundle = Sign(Files, "p384.pem");
        var signature = $"{{ publicKey: {kit.File("p384-pub.pem")} }}";
        await _engine.PassAsync(_engine.Load(Serve("m", "1", Files, bundle) with { Signature = signature }));
        var changed = Files.Select(f => f.Path == "w.bin" ? (f.Path, Bytes: (byte[])[.. f.Bytes[..^1], (byte)'x']) : f).ToArray();
        var manifest = _engine.Load(Serve("m", "2", changed, bundle) with { Signature = signature });

        var result = await _engine.PassAsync(manifest);
        var gets = Gets();
        await _engine.PassAsync(manifest, enforceFailurePolicy: true);

        Assert.Equal(1, result.Failed);
        var entry = _engine.Lifecycle.Find("m")!;
        Assert.Equal("SignatureInvalid", entry.Error!.Reason);
        Assert.Contains("model m: signature model.sig: digest: w.bin: the source gives sha256", entry.Error.Message, StringComparison.Ordinal);
        Assert.Contains("expected signer: key sha256:", entry.Error.Message, StringComparison.Ordinal);
        Assert.Equal("w.bin", entry.Failure!.Parked!.File);
        Assert.Equal("1", entry.Previous!.Version);
        Assert.EndsWith("/1", _engine.Store.CurrentTarget("m"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_engine.Store.VersionDir("m", "2")));
        // Refused on the listing before a byte of the model was fetched; parked, the next pass fetches nothing (a
        // HEAD of w.bin asks whether the source changed).
        Assert.Equal([$"{_engine.Scope}/m/2/model.sig"], Gets().Where(p => p.Contains("/m/2/", StringComparison.Ordinal)));
        Assert.Equal(gets, Gets());
    }

    [Fact]
    public async Task Pass_UnsignedFileInTheListing_RefusedBeforeAnyModelFileIsFetched()
    {
        var bundle = Sign(Files[..2], "p256.pem");
        var manifest = _engine.Load(Serve("m", "1", Files, bundle) with { Signature = $"{{ publicKey: {kit.File("p256-pub.pem")} }}" });

        var result = await _engine.PassAsync(manifest);

        Assert.Equal(1, result.Failed);
        var error = _engine.Lifecycle.Find("m")!.Error!;
        Assert.Equal("tok/vocab.txt", error.File);
        Assert.Contains("unsigned: tok/vocab.txt is not signed (the signature lists 2 files)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_engine.Requests, r => r.Path.EndsWith("w.bin", StringComparison.Ordinal) || r.Path.EndsWith("config.json", StringComparison.Ordinal));
        Assert.False(Directory.Exists(_engine.Store.VersionDir("m", "1")));
    }

    [Fact]
    public async Task Pass_CertificateSignedModel_ReadyWithTheLeafAsSigner()
    {
        var bundle = Sign(Files, "p384.pem", "--cert", "leaf.pem");
        var manifest = _engine.Load(Serve("m", "1", Files, bundle) with { Signature = $"{{ certificateChain: {kit.File("ca.pem")} }}" });

        var result = await _engine.PassAsync(manifest);

        Assert.Equal(1, result.Ready);
        Assert.StartsWith("certificate CN=model signer", _engine.Store.Entry("m").Signature!.Signer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pass_CertificateOfAnotherCa_SignatureInvalidNothingPublished()
    {
        var bundle = Sign(Files, "other-p256.pem", "--cert", "other-leaf.pem");
        var manifest = _engine.Load(Serve("m", "1", Files, bundle) with { Signature = $"{{ certificateChain: {kit.File("ca.pem")} }}" });

        var result = await _engine.PassAsync(manifest);

        Assert.Equal(1, result.Failed);
        Assert.Contains("certificateChain: CN=model signer does not chain to the manifest's CA", _engine.Lifecycle.Find("m")!.Error!.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_engine.Store.VersionDir("m", "1")));
    }

    [Fact]
    public async Task Pass_SignedFileSourceModel_Ready()
    {
        var source = Write(Files);
        File.WriteAllBytes(Path.Combine(source, "model.sig"), kit.Sign(source, "p256.pem"));
        _engine.Store.ExtraSync = $"  allowedFileRoots: [{_dir.Path}]";
        var model = new ManifestModel("m", "1", $"file://{source}/", [.. Files.Select(f => ManifestFile.Of(f.Path, f.Bytes))]) { Signature = $"{{ publicKey: {kit.File("p256-pub.pem")} }}" };

        var result = await _engine.PassAsync(_engine.Load(model));

        Assert.Equal(1, result.Ready);
        Assert.NotNull(_engine.Store.Entry("m").Signature);
    }

    [Fact]
    public async Task Pass_FileSourceBundleIsASymlink_SignatureInvalid()
    {
        var source = Write(Files);
        var elsewhere = Path.Combine(_dir.Path, "elsewhere.sig");
        File.WriteAllBytes(elsewhere, kit.Sign(source, "p256.pem"));
        File.CreateSymbolicLink(Path.Combine(source, "model.sig"), elsewhere);
        _engine.Store.ExtraSync = $"  allowedFileRoots: [{_dir.Path}]";
        var model = new ManifestModel("m", "1", $"file://{source}/", [.. Files.Select(f => ManifestFile.Of(f.Path, f.Bytes))]) { Signature = $"{{ publicKey: {kit.File("p256-pub.pem")} }}" };

        var result = await _engine.PassAsync(_engine.Load(model));

        Assert.Equal(1, result.Failed);
        Assert.Contains("model.sig is a symlink", _engine.Lifecycle.Find("m")!.Error!.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_engine.Store.VersionDir("m", "1")));
    }

    [Fact]
    public async Task Verify_KeptBundleChangedAfterPublication_ProblemNamesTheBundle()
    {
        var manifest = _engine.Load(Serve("m", "1", Files, Sign(Files, "p256.pem")) with { Signature = $"{{ publicKey: {kit.File("p256-pub.pem")} }}" });
        await _engine.PassAsync(manifest);
        var entry = _engine.Store.Entry("m");
        await using var limiter = new BandwidthLimiter(0);
        var intact = await ModelVerifier.VerifyAsync(_engine.Store.Root, entry, limiter, CancellationToken.None);
        var kept = Path.Combine(_engine.Store.VersionDir("m", "1"), StoreLayout.SignatureFileName);
        File.SetUnixFileMode(kept, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.AppendAllText(kept, " ");

        var problems = await ModelVerifier.VerifyAsync(_engine.Store.Root, entry, limiter, CancellationToken.None);

        Assert.Empty(intact);
        var problem = Assert.Single(problems);
        Assert.Equal(StoreLayout.SignatureFileName, problem.File);
        Assert.StartsWith("signature bundle changed since it was verified", problem.Message, StringComparison.Ordinal);
        Assert.True(problem.IsCorruption);
    }

    private List<string> Gets() => [.. _engine.Requests.Where(r => r.Method == "GET").Select(r => r.Path)];

    private ManifestModel Serve(string name, string version, (string Path, byte[] Bytes)[] files, byte[] bundle)
    {
        server.Route($"{_engine.Scope}/{name}/{version}/model.sig", r => r.ServeAsync(bundle, etag: "\"sig\""));
        return _engine.Serve(name, version, [.. files.Select(f => (f.Path, f.Bytes, (Func<FaultRequest, Task>?)null))]);
    }

    private byte[] Sign((string Path, byte[] Bytes)[] files, string key, params string[] options) => kit.Sign(Write(files), key, options);

    private string Write((string Path, byte[] Bytes)[] files)
    {
        var dir = _dir.Combine($"src-{Guid.NewGuid():N}"[..12]);
        foreach (var (path, bytes) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            File.WriteAllBytes(Path.Combine(dir, path), bytes);
        }

        return dir;
    }
}

using System.Security.Cryptography;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Signatures;
using ModelSync.Store.Inventory;
using ModelSync.TestKit.Signing;

namespace ModelSync.Daemon.Tests.Signatures;

/// <summary>The verifier against bundles it did not make: the reference implementation's published ones, and
/// ones <c>tests/signing/make-bundle.py</c> builds with openssl (good and hostile). Every failure is
/// <c>SignatureInvalid</c> and names the check.</summary>
public sealed class SignedModelTests(SigningKit kit) : IClassFixture<SigningKit>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Verify_PublishedKeyBundleV110_TheTwoSignedFilesPublishedTheIgnoredOneLeftOut()
    {
        var model = SigningKit.Published("v1.1.0-elliptic-key");
        var signed = Open(File.ReadAllBytes(Path.Combine(model, "model.sig")), Key(SigningKit.Published("keys", "signing-key-pub.pem")));

        var published = signed.Check(Entries(model));

        Assert.Equal(["signme-1", "signme-2"], published.Select(f => f.Path).Order());
        Assert.Equal(["ignore-me"], signed.Record.Ignored);
        Assert.StartsWith("key sha256:", signed.Record.Signer, StringComparison.Ordinal);
        Assert.Equal("key", signed.Record.Method);
    }

    [Fact]
    public void Verify_PublishedCertificateBundleV110_ChainsToTheReferenceRoot()
    {
        var model = SigningKit.Published("v1.1.0-certificate");
        var signed = Open(File.ReadAllBytes(Path.Combine(model, "model.sig")), Chain(SigningKit.Published("keys", "ca-cert.pem")));

        Assert.Equal(2, signed.Check(Entries(model)).Count);
        Assert.Contains("CN=intermediate-ca", signed.Record.Signer, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PublishedRawBytesBundleV101_TheCarriedKeyIsTheManifestsKey()
    {
        var model = SigningKit.Published("v1.0.1-elliptic-key");
        var signed = Open(File.ReadAllBytes(Path.Combine(model, "model.sig")), Key(SigningKit.Published("keys", "signing-key-pub.pem")));

        Assert.Equal(2, signed.Check(Entries(model, "ignore-me")).Count);
    }

    [Fact]
    public void Verify_PublishedSingleFileBundle_RefusedAsNotAModelDirectory()
    {
        var bundle = File.ReadAllBytes(SigningKit.Published("v0.3.1-elliptic-key", "model.sig"));

        var error = Refused(() => Open(bundle, Key(SigningKit.Published("keys", "signing-key-pub.pem"))));

        Assert.Contains("resources[0].name: is '.'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PublishedKeyBundleAndAnotherKey_HintNamesTheMismatch()
    {
        var bundle = File.ReadAllBytes(SigningKit.Published("v1.1.0-elliptic-key", "model.sig"));

        var error = Refused(() => Open(bundle, Key(kit.File("p384-pub.pem"))));

        Assert.Contains("publicKey.hint: names key e8450dec", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected signer: key sha256:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p256")]
    [InlineData("p384")]
    public void Verify_ScriptKeyBundle_EveryFilePublished(string curve)
    {
        var model = Model();
        var signed = Open(kit.Sign(model, $"{curve}.pem"), Key(kit.File($"{curve}-pub.pem")));

        Assert.Equal(["a.bin", "sub/b.txt"], signed.Check(Entries(model)).Select(f => f.Path).Order());
    }

    [Fact]
    public void Verify_ScriptCertificateBundle_SignerIsTheLeaf()
    {
        var model = Model();
        var signed = Open(kit.Sign(model, "p384.pem", "--cert", "leaf.pem"), Chain(kit.File("ca.pem")));

        Assert.Equal(2, signed.Check(Entries(model)).Count);
        Assert.StartsWith("certificate CN=model signer (issuer CN=ModelSync test CA", signed.Record.Signer, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ScriptSingleShardBundle_CheckedWithTheFilesSha256()
    {
        var model = Model();
        var signed = Open(kit.Sign(model, "p256.pem", "--shards", "1000000000"), Key(kit.File("p256-pub.pem")));

        Assert.Equal(2, signed.Check(Entries(model)).Count);
    }

    [Fact]
    public void Check_FileInManyShards_RefusedAsNeedingASecondRead()
    {
        var model = Model();
        var signed = Open(kit.Sign(model, "p256.pem", "--shards", "4"), Key(kit.File("p256-pub.pem")));

        var error = Refused(() => signed.Check(Entries(model)));

        Assert.Contains("shards: a.bin is signed in 2 shards", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--media-type", "application/vnd.dev.sigstore.bundle.v0.2+json", "mediaType: is 'application/vnd.dev.sigstore.bundle.v0.2+json'")]
    [InlineData("--payload-type", "application/json", "payloadType: is 'application/json'")]
    [InlineData("--predicate-type", "https://model_signing/Digests/v0.1", "predicateType: is 'https://model_signing/Digests/v0.1'")]
    [InlineData("--statement-type", "https://in-toto.io/Statement/v0.1", "_type: is 'https://in-toto.io/Statement/v0.1'")]
    [InlineData("--tamper", null, "signature: the envelope's signature does not verify")]
    [InlineData("--extra", "a.bin=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", "'a.bin' is listed twice")]
    [InlineData("--extra", "../escape=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", "path '../escape' has a '..' segment")]
    [InlineData("--extra", "/etc/passwd=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", "path '/etc/passwd' is absolute")]
    public void Verify_HostileKeyBundle_RefusedNamingTheCheck(string option, string? value, string expected)
    {
        var bundle = kit.Sign(Model(), "p256.pem", value is null ? [option] : [option, value]);

        var error = Refused(() => Open(bundle, Key(kit.File("p256-pub.pem"))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_BadJson_RefusedAsNotABundle()
    {
        var bundle = kit.Sign(Model(), "p256.pem");

        var error = Refused(() => Open(bundle[..(bundle.Length / 2)], Key(kit.File("p256-pub.pem"))));

        Assert.Contains("bundle: is not a Sigstore bundle (bad JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignedByAnotherKeyWithoutHint_SignatureDoesNotVerify()
    {
        var bundle = kit.Sign(Model(), "other-p256.pem", "--raw-key");

        var error = Refused(() => Open(bundle, Key(kit.File("p256-pub.pem"))));

        Assert.Contains("publicKey.rawBytes: carries another key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignedByAnotherKeyWithTheManifestsHint_SignatureDoesNotVerify()
    {
        // Hint and key agree with the manifest; only the signature itself is another key's.
        var json = System.Text.Encoding.UTF8.GetString(kit.Sign(Model(), "other-p256.pem"));
        var hint = EcKeys.Hint(EcKeys.Spki(File.ReadAllBytes(kit.File("p256-pub.pem")))!);
        var forged = System.Text.RegularExpressions.Regex.Replace(json, "\"hint\": \"[0-9a-f]+\"", $"\"hint\": \"{hint}\"");

        var error = Refused(() => Open(System.Text.Encoding.UTF8.GetBytes(forged), Key(kit.File("p256-pub.pem"))));

        Assert.Contains("signature: the envelope's signature does not verify with the manifest's key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anchor_RsaPublicKey_RefusedAsNotEc()
    {
        var error = Assert.Throws<SignatureException>(() => SignedModel.Anchor(new SignatureSpec { PublicKeyFile = kit.File("rsa-pub.pem") }));

        Assert.Equal("publicKey", error.Check);
        Assert.EndsWith("rsa-pub.pem is not an EC public key (OMS signs with ECDSA P-256, P-384 or P-521)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other-p256.pem", "other-leaf.pem", "does not chain to the manifest's CA")]
    [InlineData("p256.pem", "leaf-expired.pem", "CN=expired signer is not valid at 2026-12-01 09:00:00Z (valid 2020-01-01 00:00:00Z to 2021-01-01 00:00:00Z)")]
    [InlineData("p256.pem", "leaf-noeku.pem", "is not for code signing")]
    public void Verify_HostileCertificate_RefusedNamingWhy(string key, string leaf, string expected)
    {
        var bundle = kit.Sign(Model(), key, "--cert", leaf);

        var error = Refused(() => Open(bundle, Chain(kit.File("ca.pem"))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnsignedFileInTheSource_RefusedNamingIt()
    {
        var model = Model();
        var signed = Open(kit.Sign(model, "p256.pem", "--drop", "sub/b.txt"), Key(kit.File("p256-pub.pem")));

        var error = Refused(() => signed.Check(Entries(model)));

        Assert.Equal("sub/b.txt", error.File);
        Assert.Contains("unsigned: sub/b.txt is not signed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FileChangedAfterSigning_RefusedNamingBothDigests()
    {
        var model = Model();
        var signed = Open(kit.Sign(model, "p256.pem"), Key(kit.File("p256-pub.pem")));
        File.WriteAllText(Path.Combine(model, "a.bin"), "hellO\n");

        var error = Refused(() => signed.Check(Entries(model)));

        Assert.Equal("a.bin", error.File);
        Assert.Contains("digest: a.bin: sha256 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SignedFileMissing_RefusedUnlessTheModelIsASubset()
    {
        var model = Model();
        var bundle = kit.Sign(model, "p256.pem");
        var onlyA = Entries(model).Where(f => f.Path == "a.bin").ToList();

        var error = Refused(() => Open(bundle, Key(kit.File("p256-pub.pem"))).Check(onlyA));
        var subset = SignedModel.Verify("m", new SignatureSpec { PublicKeyFile = "k" }, Key(kit.File("p256-pub.pem")), bundle, Now, subset: true);

        Assert.Contains("files: 1 signed file(s) not in the source, first 'sub/b.txt'", error.Message, StringComparison.Ordinal);
        Assert.Single(subset.Check(onlyA));
        Assert.True(subset.Record.Subset);
    }

    private static SignedModel Open(byte[] bundle, ITrustAnchor anchor) =>
        SignedModel.Verify("m", new SignatureSpec { PublicKeyFile = "k" }, anchor, bundle, Now, subset: false);

    private static KeyAnchor Key(string path) => new(path, File.ReadAllBytes(path));

    private static CertificateAnchor Chain(string path) => new(path, File.ReadAllText(path));

    private static DownloadException Refused(Action act)
    {
        var error = Assert.Throws<DownloadException>(act);
        Assert.Equal(FailureReason.SignatureInvalid, error.Reason);
        Assert.False(error.Transient);
        return error;
    }

    private static DownloadException Refused(Func<object> act) => Refused(() => { act(); });

    private string Model()
    {
        var dir = _dir.Combine($"m{Guid.NewGuid():N}"[..9]);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "a.bin"), "hello\n");
        File.WriteAllText(Path.Combine(dir, "sub", "b.txt"), "world\n");
        return dir;
    }

    private static List<FileEntry> Entries(string dir, params string[] skip) =>
        [.. Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(dir, p))
            .Where(p => p != "model.sig" && !skip.Contains(p))
            .Select(p => new FileEntry { Path = p, Size = new FileInfo(Path.Combine(dir, p)).Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, p)))) })];
}

using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Signatures;
using ModelSync.Daemon.Tests.Manifest;

namespace ModelSync.Daemon.Tests.Signatures;

/// <summary>The <c>signature:</c> block and <c>sync.requireSignatures</c>: strict, each problem at FILE:LINE:COL.</summary>
public sealed class SignatureSectionReaderTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Read_KeyWithDefaultBundle_InSourceModelSig()
    {
        var signature = Model("signature: { publicKey: /etc/modelsync/keys/team.pem }").Signature!;

        Assert.Equal(new SignatureSpec { PublicKeyFile = "/etc/modelsync/keys/team.pem" }, signature);
        Assert.Equal("model.sig", signature.BundlePath);
        Assert.Equal("key", signature.Method);
    }

    [Fact]
    public void Read_CertificateWithBundleUrl_UrlKept()
    {
        var signature = Model("signature: { bundle: https://sigs.example/m.sig, certificateChain: /etc/ca.pem }").Signature!;

        Assert.Equal(("https://sigs.example/m.sig", null, "certificate"), (signature.BundleUrl!.AbsoluteUri, signature.BundlePath, signature.Method));
    }

    [Theory]
    [InlineData("signature: { publicKey: /k.pem, certificateChain: /ca.pem }", "t.yaml:9:55: models[0].signature.certificateChain: give exactly one of publicKey (method key) and certificateChain (method certificate), not both")]
    [InlineData("signature: { bundle: model.sig }", "t.yaml:9:16: models[0].signature.publicKey: is required (or certificateChain): the key or the CA certificates the model must be signed with")]
    [InlineData("signature: { publicKey: keys/team.pem }", "t.yaml:9:29: models[0].signature.publicKey: must be an absolute path, got 'keys/team.pem'")]
    [InlineData("signature: { publicKey: /k.pem, bundle: ../m.sig }", "t.yaml:9:45: models[0].signature.bundle: must be a path in the model's source or an absolute URL: path '../m.sig' has a '..' segment")]
    [InlineData("signature: { publicKey: /k.pem, bundle: ftp://x/m.sig }", "t.yaml:9:45: models[0].signature.bundle: must be an absolute http, https or file URL, got 'ftp://x/m.sig'")]
    [InlineData("signature: { publicKey: /k.pem, bundle: file:///etc/m.sig }", "t.yaml:9:45: models[0].signature.bundle: file:// sources are off: list the directory of '/etc/m.sig' in sync.allowedFileRoots")]
    [InlineData("signature: { publicKey: /k.pem, bundel: m.sig }", "t.yaml:9:37: models[0].signature.bundel: unknown key; did you mean 'bundle'?")]
    [InlineData("signature: /k.pem", "t.yaml:9:16: models[0].signature: must be a mapping, not a scalar")]
    public void Read_Problem_ReportedAtItsLineAndColumn(string block, string expected)
    {
        var result = ManifestLoaderTests.Load(Yaml(block));

        Assert.Equal([expected], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Read_RequireSignaturesAndAModelWithout_ManifestError()
    {
        var result = ManifestLoaderTests.Load(Yaml("", sync: "sync: { requireSignatures: true }\n"));

        Assert.Equal(["t.yaml:5:5: models[0].signature: is required: sync.requireSignatures is true"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Read_RequireSignaturesNotBoolean_ManifestError()
    {
        var result = ManifestLoaderTests.Load(Yaml("signature: { publicKey: /k.pem }", sync: "sync: { requireSignatures: yes }\n"));

        Assert.Equal(["t.yaml:3:28: sync.requireSignatures: must be true or false, got 'yes'"], result.Problems.Select(p => p.ToString()));
    }

    private static Daemon.Manifest.ModelSpec Model(string block)
    {
        var result = ManifestLoaderTests.Load(Yaml(block));
        Assert.Empty(result.Problems);
        return result.Manifest!.Models[0];
    }

    private static string Yaml(string block, string sync = "") => $"""
        store:
          root: /var/lib/models
        {sync}models:
          - name: m
            version: "1"
            baseUrl: https://models.example/m/
            files:
              - {"{"} path: w.bin, size: 3, sha256: {Sha} {"}"}
            {block}
        """;
}

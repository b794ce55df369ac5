using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>
/// The signing half of a registry token server (distribution docs/spec/auth/jwt.md): an RSA key with a self-signed
/// certificate (the registry's <c>rootcertbundle</c>) and RS256 JWTs carrying it in <c>x5c</c>, with the
/// <c>access</c> claim the registry checks. Served by an in-test endpoint; the registry verifying them is the real one.
/// </summary>
public sealed class TokenIssuer : IDisposable
{
    public const string Issuer = "modelsync-test-issuer";

    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _cert;

    public TokenIssuer()
    {
        var request = new CertificateRequest("CN=modelsync-test-token", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        _cert.Dispose();
        _key.Dispose();
    }

    /// <summary>Writes the certificate as PEM, for the registry's <c>rootcertbundle</c>.</summary>
    public string WriteCertificate(string dir)
    {
        var path = Path.Combine(dir, "token-root.pem");
        File.WriteAllText(path, _cert.ExportCertificatePem());
        return path;
    }

    /// <summary>A token letting its bearer <paramref name="actions"/> on <paramref name="repository"/> for five minutes.</summary>
    public string Issue(string service, string repository, string subject, params string[] actions)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["x5c"] = new JsonArray(Convert.ToBase64String(_cert.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = service,
            ["exp"] = now + 300,
            ["nbf"] = now - 60,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = new JsonArray(new JsonObject
            {
                ["type"] = "repository",
                ["name"] = repository,
                ["actions"] = new JsonArray([.. actions.Select(a => (JsonNode)a)]),
            }),
        };
        var signed = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

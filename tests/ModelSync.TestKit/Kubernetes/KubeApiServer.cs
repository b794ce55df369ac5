using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace ModelSync.TestKit.Kubernetes;

/// <summary>One request the API stand-in answered.</summary>
public sealed record KubeRequest(string Method, string Path, string? ContentType, string? Authorization, string Body, string? ClientCertificate = null);

/// <summary>
/// An in-process HTTPS stand-in for the Kubernetes API server, speaking its wire format for nodes: <c>GET
/// /api/v1/nodes/NAME</c> (a v1 Node), <c>PATCH</c> of the same with <c>application/merge-patch+json</c> (RFC 7386 on
/// <c>metadata.labels</c>), a v1 Status with 401/404/415 otherwise. TLS with its own CA-less self-signed certificate
/// (the CA a client must trust), a bearer token or the client certificate it minted required; <see cref="WriteKubeconfig"/> and <see cref="WritePodSecrets"/>
/// lay them out as a kubeconfig or a pod's service-account directory has them.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<KubeRequest> _requests = new();
    private readonly X509Certificate2 _certificate = SelfSigned();
    private readonly (string Certificate, string Key, string Thumbprint) _client = ClientIdentity();
    private WebApplication? _app;

    public string Token { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public int Port { get; private set; }

    public string Server => $"https://127.0.0.1:{Port}";

    public IReadOnlyList<KubeRequest> Requests => [.. _requests];

    /// <summary>The CA certificate a client trusts, PEM.</summary>
    public string CaPem => _certificate.ExportCertificatePem();

    public static async Task<KubeApiServer> StartAsync()
    {
        var server = new KubeApiServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = server._certificate,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true, // checked by thumbprint per request, as an authenticator would
        })));
        var app = builder.Build();
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        server._app = app;
        server.Port = new Uri(app.Urls.First()).Port;
        return server;
    }

    public void SetNode(string name, IReadOnlyDictionary<string, string> labels) => _nodes[name] = new(labels, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Labels(string name) => new Dictionary<string, string>(_nodes[name]);

    /// <summary>A kubeconfig with the server, its CA (certificate-authority-data) and the token, or with
    /// <paramref name="clientCertificate"/> the client certificate and key (client-certificate-data, client-key-data).</summary>
    public string WriteKubeconfig(string dir, bool clientCertificate = false)
    {
        var path = Path.Combine(dir, "kubeconfig");
        var user = clientCertificate
            ? $"""
                  client-certificate-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(_client.Certificate))}
                  client-key-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(_client.Key))}
            """
            : $"""
                  token: {Token}
            """;
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: test
                cluster:
                  server: {Server}
                  certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(CaPem))}
            users:
              - name: modelsync
                user:
            {user}
            contexts:
              - name: test
                context:
                  cluster: test
                  user: modelsync
            current-context: test
            """);
        return path;
    }

    /// <summary><c>token</c>, <c>ca.crt</c> and <c>namespace</c> as a pod has them under /var/run/secrets/kubernetes.io/serviceaccount.</summary>
    public void WritePodSecrets(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "token"), Token);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), CaPem);
        File.WriteAllText(Path.Combine(dir, "namespace"), "modelsync");
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = context.Request;
        var presented = context.Connection.ClientCertificate?.Thumbprint;
        _requests.Enqueue(new KubeRequest(request.Method, request.Path.Value ?? "", request.ContentType, request.Headers.Authorization.FirstOrDefault(), body, presented));
        if (request.Headers.Authorization.FirstOrDefault() != $"Bearer {Token}" && presented != _client.Thumbprint)
        {
            await StatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }

        const string prefix = "/api/v1/nodes/";
        var name = request.Path.Value is { } p && p.StartsWith(prefix, StringComparison.Ordinal) ? p[prefix.Length..] : null;
        if (name is null || !_nodes.TryGetValue(name, out var labels))
        {
            await StatusAsync(context, 404, "NotFound", $"nodes \"{name}\" not found");
            return;
        }

        if (request.Method == "PATCH")
        {
            if (request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
            {
                await StatusAsync(context, 415, "UnsupportedMediaType", $"the body of the request was in an unknown format: {request.ContentType}");
                return;
            }

            var patch = JsonNode.Parse(body)?["metadata"]?["labels"]?.AsObject() ?? [];
            lock (labels)
            {
                foreach (var (key, value) in patch)
                {
                    if (value is null)
                    {
                        labels.Remove(key);
                    }
                    else
                    {
                        labels[key] = value.GetValue<string>();
                    }
                }
            }
        }
        else if (request.Method != "GET")
        {
            await StatusAsync(context, 405, "MethodNotAllowed", "method not allowed");
            return;
        }

        Dictionary<string, string> copy;
        lock (labels)
        {
            copy = new(labels);
        }

        var node = new JsonObject
        {
            ["kind"] = "Node",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["uid"] = "0d8c7b1e-0000-4000-8000-000000000001", ["resourceVersion"] = "1", ["labels"] = new JsonObject(copy.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) },
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject(),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(node.ToJsonString());
    }

    private static async Task StatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code,
        }));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver-stand-in", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private static (string Certificate, string Key, string Thumbprint) ClientIdentity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=system:node:gpu-1, O=system:nodes", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), cert.Thumbprint);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _certificate.Dispose();
    }
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Authentication;

namespace ModelSync.Daemon.Kubernetes;

/// <summary>
/// A request to the API server as the official client sends one: its configuration (in-cluster or kubeconfig), its
/// credentials (a bound token it re-reads, an exec plugin, basic auth), its CA check and a client certificate, put
/// together the way its <c>Kubernetes</c> class does, through the client's own public pieces where it has them. Not that class itself:
/// constructing it loads the client's JSON context of every API type (about 850), which is 15–20 MB of type data
/// resident in every daemon process, for the two calls the daemon makes (bench/CATALOG.md, "Memory").
/// </summary>
internal sealed class KubernetesHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly ServiceClientCredentials? _credentials;
    private readonly KubernetesClientConfiguration _config;

    public KubernetesHttp(KubernetesClientConfiguration config)
    {
        if (string.IsNullOrWhiteSpace(config.Host) || !Uri.TryCreate(config.Host, UriKind.Absolute, out var host))
        {
            throw new NodeApiException($"the Kubernetes API configuration has no usable server URL ('{config.Host}')");
        }

        _config = config;
        BaseUri = host.AbsoluteUri.EndsWith('/') ? host : new Uri(host.AbsoluteUri + "/");
        _credentials = k8s.Kubernetes.CreateCredentials(config);
        _http = new HttpClient(Handler(config, BaseUri), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrWhiteSpace(config.UserAgent))
        {
            _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", config.UserAgent);
        }
    }

    public Uri BaseUri { get; }

    public TimeSpan Timeout => _config.HttpClientTimeout;

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!_config.DisableHttp2)
        {
            request.Version = HttpVersion.Version20;
        }

        if (!string.IsNullOrWhiteSpace(_config.TlsServerName))
        {
            request.Headers.Host = _config.TlsServerName;
        }

        if (_credentials is not null)
        {
            await _credentials.ProcessHttpRequestAsync(request, ct);
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private static SocketsHttpHandler Handler(KubernetesClientConfiguration config, Uri server)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromMinutes(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            EnableMultipleHttp2Connections = true,
        };
        if (server.Scheme == Uri.UriSchemeHttps)
        {
            if (config.SkipTlsVerify)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            }
            else if (config.SslCaCerts is { } ca)
            {
                var trusted = new X509Certificate2Collection();
                foreach (var cert in ca)
                {
                    trusted.Add(X509CertificateLoader.LoadCertificate(cert.RawData));
                }

                handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    k8s.Kubernetes.CertificateValidationCallBack(sender, trusted, certificate!, chain!, errors);
            }
        }

        if (ClientCertificate(config) is { } client)
        {
            handler.SslOptions.ClientCertificates = [client];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }

        return handler;
    }

    /// <summary>A kubeconfig's client certificate and key, inline (base64 PEM) or as files, as the client reads them.</summary>
    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        var cert = Pem(config.ClientCertificateData, config.ClientCertificateFilePath);
        var key = Pem(config.ClientCertificateKeyData, config.ClientKeyFilePath);
        return cert is null || key is null ? null : X509Certificate2.CreateFromPem(cert, key);
    }

    private static string? Pem(string? inline, string? file) =>
        !string.IsNullOrWhiteSpace(file) ? File.ReadAllText(file)
        : !string.IsNullOrWhiteSpace(inline) ? Encoding.UTF8.GetString(Convert.FromBase64String(inline))
        : null;

    public void Dispose() => _http.Dispose();
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s;

namespace ModelSync.Daemon.Kubernetes;

/// <summary>
/// This node's object in the Kubernetes API, through the official client's configuration, credentials and TLS
/// (<c>KubernetesClient.Aot</c>, <see cref="KubernetesHttp"/>): a GET of the node and a JSON merge patch of
/// <c>metadata.labels</c>. Configured on first use, never before (a manifest without label-based placement never loads
/// a kubeconfig): the pod's service account when in a pod, else <c>KUBECONFIG</c> (or
/// <c>~/.kube/config</c>), as the client loads them. Any failure, configuration included, is an
/// <see cref="NodeApiException"/> whose message says what to fix.
/// </summary>
/// <param name="configuration">Instead of the pod's or KUBECONFIG's (tests give a kubeconfig file of their own).</param>
internal sealed class KubernetesNodeApi(string node, Func<KubernetesClientConfiguration>? configuration = null) : IDisposable
{
    private readonly Lock _lock = new();
    private KubernetesHttp? _client;

    public string Node => node;

    public async Task<IReadOnlyDictionary<string, string>> LabelsAsync(CancellationToken ct) =>
        await Call(HttpMethod.Get, content: null, ct);

    /// <summary>One merge patch: a value sets the label, null removes it. Returns the labels the API then holds.</summary>
    public async Task<IReadOnlyDictionary<string, string>> PatchLabelsAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken ct)
    {
        using var content = new StringContent(MergePatch(changes), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json") { CharSet = "utf-8" };
        return await Call(HttpMethod.Patch, content, ct);
    }

    /// <summary><c>{"metadata":{"labels":{"k":"v","gone":null}}}</c> (RFC 7386: null deletes).</summary>
    internal static string MergePatch(IReadOnlyDictionary<string, string?> changes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteStartObject("labels");
            foreach (var (key, value) in changes.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (value is null)
                {
                    json.WriteNull(key);
                }
                else
                {
                    json.WriteString(key, value);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The request goes as the client sends it (<see cref="KubernetesHttp"/>); only the node's JSON is read here.</summary>
    private async Task<Dictionary<string, string>> Call(HttpMethod method, HttpContent? content, CancellationToken ct)
    {
        var client = Client();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(client.Timeout);
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(client.BaseUri, $"api/v1/nodes/{Uri.EscapeDataString(node)}")) { Content = content };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await client.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new NodeApiException($"the API answered {status} for node '{node}'{Hint(status)}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var found = await JsonSerializer.DeserializeAsync(body, NodeJsonContext.Default.NodeObject, timeout.Token);
            return new(found?.Metadata?.Labels ?? [], StringComparer.Ordinal);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new NodeApiException($"the API server does not answer within {client.Timeout.TotalSeconds:0} s", ex);
        }
        catch (Exception ex) when (ex is not NodeApiException and not OperationCanceledException)
        {
            // Refused, reset, TLS, a body that is not a node: all "not reachable" to placement.
            throw new NodeApiException($"the API server does not answer ({ex.GetBaseException().Message})", ex);
        }
    }

    private static string Hint(int status) => status switch
    {
        401 => ": the token was refused",
        403 => ": the service account may not do this (apply the placement component: docs/deploy.md, \"Placement\")",
        404 => ": no such node (is --node/MODELSYNC_NODE the node's name?)",
        _ => "",
    };

    private KubernetesHttp Client()
    {
        lock (_lock)
        {
            try
            {
                return _client ??= new KubernetesHttp(WithTimeout(configuration is null ? Configuration() : configuration()));
            }
            catch (Exception ex) when (ex is not NodeApiException)
            {
                // A kubeconfig that is not YAML, a CA that is not PEM: said, and tried again at the next read.
                throw new NodeApiException($"the Kubernetes API configuration cannot be loaded: {ex.Message}", ex);
            }
        }
    }

    private static KubernetesClientConfiguration Configuration()
    {
        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        var file = Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } k ? k : KubernetesClientConfiguration.KubeConfigDefaultLocation;
        if (!File.Exists(file))
        {
            throw new NodeApiException(
                $"no Kubernetes API configuration: not in a pod with a service account token (KUBERNETES_SERVICE_HOST and /var/run/secrets/kubernetes.io/serviceaccount; the base turns automount off, the placement component on) and no kubeconfig at {file} (KUBECONFIG)");
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigFile(file);
    }

    /// <summary>The client's default is 100 s: a label read must not hold a pass that long.</summary>
    private static KubernetesClientConfiguration WithTimeout(KubernetesClientConfiguration config)
    {
        config.HttpClientTimeout = KubernetesDefaults.RequestTimeout;
        return config;
    }

    public void Dispose() => _client?.Dispose();
}

/// <summary>The node's API object could not be read or patched; the message says why.</summary>
internal sealed class NodeApiException(string message, Exception? inner = null) : Exception(message, inner);

using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Kubernetes;
using ModelSync.TestKit.Kubernetes;

namespace ModelSync.Daemon.Tests.Kubernetes;

/// <summary>
/// The official client (<c>KubernetesClient.Aot</c>) against an HTTPS stand-in that speaks the API's wire format for
/// nodes, trusting its CA and sending its token as a kubeconfig gives them (the client's in-cluster path reads the fixed
/// /var/run/secrets/kubernetes.io/serviceaccount, which a test cannot lay out for itself; the process test does).
/// </summary>
public sealed class KubernetesNodeApiTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private KubeApiServer _api = null!;

    public async Task InitializeAsync()
    {
        _api = await KubeApiServer.StartAsync();
        _api.SetNode("gpu-1", new Dictionary<string, string> { ["gpu"] = "a100", ["kubernetes.io/hostname"] = "gpu-1" });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Dispose();
    }

    private KubernetesNodeApi Client(string node = "gpu-1", string? kubeconfig = null) =>
        new(node, () => KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig ?? _api.WriteKubeconfig(_dir.Path)));

    [Fact]
    public async Task LabelsAsync_Node_GetWithTokenOverTls()
    {
        using var client = Client();

        var labels = await client.LabelsAsync(CancellationToken.None);

        Assert.Equal("a100", labels["gpu"]);
        var request = Assert.Single(_api.Requests);
        Assert.Equal(("GET", "/api/v1/nodes/gpu-1", $"Bearer {_api.Token}"), (request.Method, request.Path, request.Authorization));
    }

    [Fact]
    public async Task PatchLabelsAsync_SetAndRemove_OneMergePatchOfLabels()
    {
        _api.SetNode("gpu-1", new Dictionary<string, string> { ["gpu"] = "a100", ["modelsync.io/old"] = "ready" });
        using var client = Client();

        var labels = await client.PatchLabelsAsync(new Dictionary<string, string?> { ["modelsync.io/llm"] = "ready", ["modelsync.io/old"] = null }, CancellationToken.None);

        var request = Assert.Single(_api.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.StartsWith("application/merge-patch+json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("""{"metadata":{"labels":{"modelsync.io/llm":"ready","modelsync.io/old":null}}}""", request.Body);
        Assert.Equal(new Dictionary<string, string> { ["gpu"] = "a100", ["modelsync.io/llm"] = "ready" }, labels);
        Assert.Equal(labels, _api.Labels("gpu-1"));
    }

    [Fact]
    public async Task LabelsAsync_ClientCertificateKubeconfig_PresentsIt_NoToken()
    {
        using var client = Client(kubeconfig: _api.WriteKubeconfig(_dir.Path, clientCertificate: true));

        var labels = await client.LabelsAsync(CancellationToken.None);

        Assert.Equal("a100", labels["gpu"]);
        var request = Assert.Single(_api.Requests);
        Assert.Null(request.Authorization);
        Assert.NotNull(request.ClientCertificate);
    }

    [Fact]
    public async Task LabelsAsync_NoSuchNode_SaysSo()
    {
        using var client = Client("nope");

        var ex = await Assert.ThrowsAsync<NodeApiException>(() => client.LabelsAsync(CancellationToken.None));

        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--node", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelsAsync_WrongToken_401()
    {
        var path = _api.WriteKubeconfig(_dir.Path);
        File.WriteAllText(path, File.ReadAllText(path).Replace(_api.Token, "not-the-token", StringComparison.Ordinal));
        using var client = Client(kubeconfig: path);

        var ex = await Assert.ThrowsAsync<NodeApiException>(() => client.LabelsAsync(CancellationToken.None));

        Assert.Contains("401", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ApiDown_LabelsUnknownWithWhy()
    {
        var path = _api.WriteKubeconfig(_dir.Path);
        await _api.DisposeAsync(); // nothing listens on its port any more
        using var client = Client(kubeconfig: path);
        var labels = new NodeLabels(client, new FakeTimeProvider(), NullLogger<NodeLabels>.Instance);

        var read = await labels.ReadAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Null(read.Labels);
        Assert.Contains("does not answer", read.Error, StringComparison.Ordinal);
        _api = await KubeApiServer.StartAsync(); // for DisposeAsync
    }
}

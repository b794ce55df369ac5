using System.Diagnostics;
using System.Security.Cryptography;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.TestKit.Kubernetes;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Placement;

/// <summary>
/// <c>sync</c> as a process (the AOT binary when published) with <c>models[].placement</c>: a model for another node
/// name is never asked for; no node name is exit 2, never the host name; labels come from the API stand-in through
/// KUBECONFIG, and through a pod's service-account directory (in a private mount namespace) as in a pod.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class PlacementProcessTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output, stallTimeout: "30s")
{
    private readonly byte[] _llm = RandomNumberGenerator.GetBytes(200_000);
    private readonly byte[] _small = RandomNumberGenerator.GetBytes(10_000);

    /// <summary>Two models: <c>llm</c> with <paramref name="placement"/> (YAML flow mapping), <c>small</c> everywhere.</summary>
    private string Manifest(string placement)
    {
        Server.Route($"{Scope}/llm/w.bin", r => r.ServeAsync(_llm));
        Server.Route($"{Scope}/small/w.bin", r => r.ServeAsync(_small));
        var path = Store.WriteManifest(
            new ManifestModel("llm", "1", $"{Server.Origin}{Scope}/llm/", [ManifestFile.Of("w.bin", _llm)]),
            new ManifestModel("small", "1", $"{Server.Origin}{Scope}/small/", [ManifestFile.Of("w.bin", _small)]));
        var yaml = File.ReadAllText(path).Replace("  - name: llm\n", $"  - name: llm\n    placement: {placement}\n", StringComparison.Ordinal);
        File.WriteAllText(path, yaml);
        return path;
    }

    private int Fetches(string model) => Requests.Count(r => r.Path.Contains($"/{model}/", StringComparison.Ordinal));

    private async Task<DaemonResult> SyncAsync(string manifest, string? node, IReadOnlyDictionary<string, string>? env = null, Func<ProcessStartInfo, ProcessStartInfo>? wrap = null)
    {
        var info = DaemonRunner.StartInfo(node ?? DaemonRunner.DefaultNode, ["sync", "--manifest", manifest]);
        if (node is null)
        {
            info.Environment.Remove("MODELSYNC_NODE");
        }

        info.Environment.Remove("KUBECONFIG");
        info.Environment.Remove("KUBERNETES_SERVICE_HOST");
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = new DaemonProcess(wrap?.Invoke(info) ?? info, Output);
        return await process.WaitAsync(DaemonRunner.HangGuard);
    }

    [Fact]
    public async Task Sync_ModelForAnotherNodeName_NotOneRequestAndStatusSaysWhy()
    {
        var manifest = Manifest("{ nodes: [\"gpu-*\"] }");

        var result = await SyncAsync(manifest, "cpu-1");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(0, Fetches("llm"));
        Assert.Equal(1, Fetches("small"));
        Assert.False(Directory.Exists(Store.Layout.ModelDir("llm")));
        var status = await DaemonRunner.VerbAsync("status", "--manifest", manifest);
        Assert.Contains("llm    not here: not for this node (nodes gpu-*)", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("small  on this node: every node", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_PlacementWithoutNodeName_Exit2NamingTheModelNotTheHostName()
    {
        var manifest = Manifest("{ nodes: [\"gpu-*\"] }");

        var result = await SyncAsync(manifest, node: null);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("models[0].placement ('llm') needs the node's name: set --node or MODELSYNC_NODE", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Requests);
    }

    [Fact]
    public async Task Sync_NodeSelectorThroughKubeconfig_FetchedAndNodeLabelled()
    {
        await using var api = await KubeApiServer.StartAsync();
        api.SetNode("gpu-1", new Dictionary<string, string> { ["gpu"] = "a100" });
        var manifest = Manifest("{ nodeSelector: { matchLabels: { gpu: a100 } }, labelNode: true }");

        var result = await SyncAsync(manifest, "gpu-1", new Dictionary<string, string> { ["KUBECONFIG"] = api.WriteKubeconfig(Store.Dir) });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(1, Fetches("llm"));
        Assert.Equal("ready", api.Labels("gpu-1")["modelsync.io/llm"]);
        Assert.Equal(["GET", "PATCH"], api.Requests.Select(r => r.Method).Distinct());
        Assert.Single(api.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task Sync_NodeSelectorApiDown_NothingFetchedExit0AndSaysSo()
    {
        var manifest = Manifest("{ nodeSelector: { matchLabels: { gpu: a100 } } }");
        var kubeconfig = Path.Combine(Store.Dir, "kubeconfig");
        await using (var api = await KubeApiServer.StartAsync())
        {
            api.WriteKubeconfig(Store.Dir); // then nothing listens on its port
        }

        var result = await SyncAsync(manifest, "gpu-1", new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(0, Fetches("llm"));
        Assert.Contains("labels cannot be read", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_InClusterServiceAccount_LabelsReadAsInAPod()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/unshare"))
        {
            return; // a private /run needs root and unshare; the kubeconfig tests above cover the client otherwise
        }

        await using var api = await KubeApiServer.StartAsync();
        api.SetNode("gpu-1", new Dictionary<string, string> { ["gpu"] = "a100" });
        var secrets = Path.Combine(Store.Dir, "serviceaccount");
        api.WritePodSecrets(secrets);
        var manifest = Manifest("{ nodeSelector: { matchLabels: { gpu: a100 } } }");

        // /var/run/secrets/kubernetes.io/serviceaccount is fixed in the client: lay it out in a private mount
        // namespace (a tmpfs over /run that only this process sees), as the kubelet mounts it into a pod.
        var result = await SyncAsync(manifest, "gpu-1",
            new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1", ["KUBERNETES_SERVICE_PORT"] = api.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            info => InPodMounts(info, secrets));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(1, Fetches("llm"));
        var get = Assert.Single(api.Requests);
        Assert.Equal(("GET", "/api/v1/nodes/gpu-1", $"Bearer {api.Token}"), (get.Method, get.Path, get.Authorization));
    }

    private static ProcessStartInfo InPodMounts(ProcessStartInfo daemon, string secrets)
    {
        var sa = "/run/secrets/kubernetes.io/serviceaccount";
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--mount", "--propagation", "private", "sh", "-c",
                     $"mount -t tmpfs tmpfs /run && mkdir -p {sa} && cp {secrets}/* {sa}/ && exec \"$0\" \"$@\"", daemon.FileName])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in daemon.ArgumentList)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in daemon.Environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }
}

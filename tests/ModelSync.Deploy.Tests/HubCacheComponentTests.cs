using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s.Models;
using ModelSync.TestKit;
using Xunit;

namespace ModelSync.Deploy.Tests;

/// <summary>
/// deploy/kustomize/components/hub-cache on the base, and scripts/hub-cache.sh: one template, and nginx -t
/// accepts it both as the cluster fills it in (the Deployment's env) and as the script does.
/// </summary>
public sealed partial class HubCacheComponentTests : IDisposable
{
    private const string Nginx = "/usr/sbin/nginx";
    private static readonly string Template = RepoRoot.Combine("deploy", "kustomize", "components", "hub-cache", "hub-cache.conf.template");
    private static readonly Lazy<IReadOnlyList<object>> WithComponent = new(Render);
    private readonly string _dir = Directory.CreateTempSubdirectory("hub-cache-deploy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<object> Render()
    {
        var dir = Directory.CreateTempSubdirectory("hub-cache-kustomize-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [{Path.GetRelativePath(dir, Path.Combine(Rendered.KustomizeDir, "base"))}]
                components: [{Path.GetRelativePath(dir, Path.Combine(Rendered.KustomizeDir, "components", "hub-cache"))}]
                """);
            return Rendered.LoadStrict(Rendered.Kubectl("kustomize", dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static V1Container CacheContainer =>
        Assert.Single(Assert.Single(WithComponent.Value.OfType<V1Deployment>(), d => d.Metadata.Name == "hub-cache").Spec.Template.Spec.Containers);

    [Fact]
    public void Render_BasePlusHubCache_DaemonsAskTheCacheServiceAndItRunsTheRepositoryTemplate()
    {
        var objects = WithComponent.Value;
        var service = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == "hub-cache");
        var port = Assert.Single(service.Spec.Ports).Port;
        var daemonSet = Assert.Single(objects.OfType<V1DaemonSet>());
        var daemon = daemonSet.Spec.Template.Spec.Containers.Single(c => c.Name == "daemon");
        Assert.Equal($"http://{service.Metadata.Name}:{port}", Assert.Single(daemon.Env, e => e.Name == "HF_ENDPOINT").Value);
        Assert.Equal(daemonSet.Metadata.NamespaceProperty, service.Metadata.NamespaceProperty);

        var config = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name.StartsWith("hub-cache-template", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllText(Template), config.Data["hub-cache.conf.template"]);
        var mount = Assert.Single(CacheContainer.VolumeMounts, m => m.MountPath == "/etc/nginx/templates");
        var pod = objects.OfType<V1Deployment>().Single().Spec.Template.Spec;
        Assert.Equal(config.Metadata.Name, pod.Volumes.Single(v => v.Name == mount.Name).ConfigMap.Name);
        Assert.Equal("hub-cache", pod.Volumes.Single(v => v.PersistentVolumeClaim is not null).PersistentVolumeClaim.ClaimName);
        Assert.Contains(objects.OfType<V1PersistentVolumeClaim>(), c => c.Metadata.Name == "hub-cache");
    }

    [Fact]
    public void Config_TheDeploymentsValues_EveryVariableSetAndNginxTAccepts()
    {
        var env = CacheContainer.Env.ToDictionary(e => e.Name, e => e.Value ?? "");
        var used = Variables().Matches(File.ReadAllText(Template)).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.All(used.Where(v => v != "NGINX_LOCAL_RESOLVERS"), v => Assert.True(env.ContainsKey(v), $"deployment.yaml does not set {v}"));
        Assert.All(env.Keys.Where(k => k.StartsWith("HUB_CACHE_", StringComparison.Ordinal)), k => Assert.Contains(k, used));

        // As the image would run it, with this machine's paths for what is a volume there.
        env["HUB_CACHE_DIR"] = Path.Combine(_dir, "cache");
        env["HUB_CACHE_RUN"] = _dir;
        env["HUB_CACHE_ACCESS_LOG"] = Path.Combine(_dir, "access.log");
        env["NGINX_LOCAL_RESOLVERS"] = "127.0.0.1";
        Directory.CreateDirectory(env["HUB_CACHE_DIR"]); // the claim's mount point
        var conf = Path.Combine(_dir, "hub-cache.conf");
        File.WriteAllText(conf, Variables().Replace(File.ReadAllText(Template), m => env[m.Groups[1].Value]));
        File.WriteAllText(Path.Combine(_dir, "nginx.conf"), $"events {{}}\nhttp {{\n    proxy_temp_path {_dir}/proxy;\n    include {conf};\n}}\n");

        var (code, output) = Run(Nginx, "-t", "-p", _dir + "/", "-c", Path.Combine(_dir, "nginx.conf"), "-e", Path.Combine(_dir, "error.log"));

        Assert.True(code == 0, output);
    }

    [Fact]
    public void HubCacheScript_Check_NginxTAcceptsWhatItRuns()
    {
        var (code, output) = Run("bash", RepoRoot.Combine("scripts", "hub-cache.sh"), "--check", "--dir", _dir,
            "--upstream", "https://huggingface.co", "--listen", "127.0.0.1:8080", "--http-origins", @"models\.lab:8000");

        Assert.True(code == 0, output);
        Assert.Contains(@"""~^(models\.lab:8000)$"" 1;", File.ReadAllText(Path.Combine(_dir, "hub-cache.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public void HubCacheScript_UpstreamWithCredentials_ExitsTwoNamingIt()
    {
        var (code, output) = Run("bash", RepoRoot.Combine("scripts", "hub-cache.sh"), "--check", "--dir", _dir, "--upstream", "https://me:pw@hub.example");

        Assert.Equal(2, code);
        Assert.Contains("--upstream 'https://me:pw@hub.example' is not an http(s) URL without credentials", output, StringComparison.Ordinal);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    [GeneratedRegex(@"\$\{(HUB_CACHE_[A-Z_]+|NGINX_LOCAL_RESOLVERS)\}")]
    private static partial Regex Variables();
}

using k8s.Models;
using ModelSync.TestKit;
using Xunit;

namespace ModelSync.Deploy.Tests;

/// <summary>The store's node directory is one value (ConfigMap modelsync-store, components/store-path):
/// an overlay that changes it moves every hostPath that is the store, and no YAML writes it elsewhere.</summary>
public sealed class StorePathTests : IDisposable
{
    private const string Moved = "/mnt/nvme/ml-models";
    private readonly string _dir = Directory.CreateTempSubdirectory("modelsync-store-path-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>What the docs tell an operator to write in an overlay to move the store.</summary>
    private IReadOnlyList<object> RenderMoved(string kustomization)
    {
        var target = Path.Combine(Rendered.KustomizeDir, kustomization);
        File.WriteAllText(Path.Combine(_dir, "kustomization.yaml"), $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [{Path.GetRelativePath(_dir, target)}]
            configMapGenerator:
              - {"{"} name: modelsync-store, namespace: modelsync, behavior: merge, literals: [path={Moved}] {"}"}
            components: [{Path.GetRelativePath(_dir, Path.Combine(Rendered.KustomizeDir, "components", "store-path"))}]
            """);
        return Rendered.LoadStrict(Rendered.Kubectl("kustomize", _dir));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("setup-job")]
    [InlineData("overlays/k3s-example")]
    public void Overlay_MovedStorePath_EveryStoreHostPathFollows(string kustomization)
    {
        var objects = RenderMoved(kustomization);

        var hostPaths = objects.SelectMany(o => o switch
        {
            V1PersistentVolume pv => [pv.Spec.HostPath.Path],
            V1DaemonSet d => HostPaths(d.Spec.Template.Spec),
            V1Job j => HostPaths(j.Spec.Template.Spec),
            V1Deployment d => HostPaths(d.Spec.Template.Spec),
            _ => [],
        }).ToList();
        Assert.NotEmpty(hostPaths);
        Assert.All(hostPaths, p => Assert.Equal(Moved, p));
        var store = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == "modelsync-store");
        Assert.Equal(Moved, store.Data["path"]);
        // Inside the pods the store stays where the manifest's store.root says: the manifest does not change.
        foreach (var spec in objects.OfType<V1DaemonSet>().Select(d => d.Spec.Template.Spec).Concat(objects.OfType<V1Job>().Select(j => j.Spec.Template.Spec)))
        {
            Assert.All(spec.Containers.Concat(spec.InitContainers ?? []).SelectMany(c => c.VolumeMounts).Where(m => m.Name == "store"),
                m => Assert.Equal(Rendered.StorePath, m.MountPath));
        }
    }

    [Fact]
    public void Sources_StoreHostPath_WrittenOnlyInTheStorePathConfigMap()
    {
        var files = Directory.EnumerateFiles(Rendered.KustomizeDir, "*.yaml", SearchOption.AllDirectories).ToList();
        var hostPathLines = files.SelectMany(f => HostPathValues(f).Select(v => (File: Path.GetRelativePath(RepoRoot.Path, f), Value: v))).ToList();

        Assert.NotEmpty(hostPathLines);
        Assert.All(hostPathLines, l => Assert.True(l.Value == "STORE_PATH", $"{l.File}: hostPath {l.Value} written by hand"));
        var defaults = files.Where(f => File.ReadAllLines(f).Any(l => l.Trim() == $"- path={Rendered.StorePath}")).ToList();
        Assert.Equal([Path.Combine(Rendered.KustomizeDir, "store-path", "kustomization.yaml")], defaults);
    }

    private static IEnumerable<string> HostPaths(V1PodSpec spec) =>
        (spec.Volumes ?? []).Where(v => v.HostPath is not null).Select(v => v.HostPath.Path);

    /// <summary>The path: line right after each hostPath: line of a YAML source.</summary>
    private static IEnumerable<string> HostPathValues(string file)
    {
        var lines = File.ReadAllLines(file);
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (lines[i].Trim() == "hostPath:" && lines[i + 1].Trim().StartsWith("path:", StringComparison.Ordinal))
            {
                yield return lines[i + 1].Trim()["path:".Length..].Split('#')[0].Trim();
            }
        }
    }
}

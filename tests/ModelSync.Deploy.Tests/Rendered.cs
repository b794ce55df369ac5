using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using ModelSync.TestKit;

namespace ModelSync.Deploy.Tests;

/// <summary>Renders kustomizations with <c>kubectl kustomize</c> and loads every object strictly.</summary>
internal static class Rendered
{
    public const string StorePath = "/var/lib/k3s-storage/ml-models";
    public const string GateImage = "localhost/modelsync-gate";
    public const string DaemonImage = "localhost/modelsync-daemon";

    private static readonly ConcurrentDictionary<string, IReadOnlyList<object>> Cache = new();

    public static string KustomizeDir => RepoRoot.Combine("deploy", "kustomize");

    /// <summary>Every directory that kubectl can render on its own: base, setup-job and each overlay.</summary>
    public static IReadOnlyList<string> Kustomizations { get; } = FindKustomizations();

    public static IEnumerable<object[]> KustomizationData => Kustomizations.Select(k => new object[] { k });

    public static IEnumerable<object[]> OverlayData =>
        Kustomizations.Where(k => k.StartsWith("overlays/", StringComparison.Ordinal)).Select(k => new object[] { k });

    /// <summary>The objects of one kustomization (relative to deploy/kustomize), loaded strictly.</summary>
    public static IReadOnlyList<object> Objects(string kustomization) =>
        Cache.GetOrAdd(kustomization, k => LoadStrict(Kubectl("kustomize", Path.Combine(KustomizeDir, k))));

    public static IReadOnlyList<object> LoadStrict(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    public static IEnumerable<T> Of<T>(string kustomization) => Objects(kustomization).OfType<T>();

    /// <summary>Every pod template (DaemonSet, Deployment, Job) with its owner's kind and name.</summary>
    public static IEnumerable<(string Owner, V1PodSpec Spec)> PodSpecs(string kustomization)
    {
        foreach (var o in Objects(kustomization))
        {
            switch (o)
            {
                case V1DaemonSet d: yield return ($"DaemonSet/{d.Metadata.Name}", d.Spec.Template.Spec); break;
                case V1Deployment d: yield return ($"Deployment/{d.Metadata.Name}", d.Spec.Template.Spec); break;
                case V1Job j: yield return ($"Job/{j.Metadata.Name}", j.Spec.Template.Spec); break;
                case V1Pod p: yield return ($"Pod/{p.Metadata.Name}", p.Spec); break;
                default: break;
            }
        }
    }

    public static string Kubectl(params string[] args) => Run("kubectl", args);

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot.Path,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout;
    }

    private static List<string> FindKustomizations()
    {
        var result = new List<string>();
        foreach (var file in Directory.EnumerateFiles(KustomizeDir, "kustomization.yaml", SearchOption.AllDirectories))
        {
            var dir = Path.GetDirectoryName(file)!;
            var relative = Path.GetRelativePath(KustomizeDir, dir).Replace('\\', '/');
            var text = File.ReadAllText(file);
            // Components and the sub-kustomizations an overlay includes are rendered through their parents.
            if (text.Contains("kind: Component", StringComparison.Ordinal) || relative.Count(c => c == '/') > 1)
            {
                continue;
            }

            result.Add(relative);
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }
}

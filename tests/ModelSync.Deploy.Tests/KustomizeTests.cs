using k8s.Models;
using Xunit;

namespace ModelSync.Deploy.Tests;

public class KustomizeTests
{
    /// <summary>The environment variables ModelSync.Gate reads (design: "The gate").</summary>
    private static readonly HashSet<string> GateEnv =
        ["MODELSYNC_ROOT", "MODELSYNC_REQUIRE", "MODELSYNC_TIMEOUT", "MODELSYNC_INTERVAL", "MODELSYNC_VERIFY"];

    public static IEnumerable<object[]> Kustomizations => Rendered.KustomizationData;

    public static IEnumerable<object[]> Overlays => Rendered.OverlayData;

    [Fact]
    public void Discovery_FindsBaseSetupJobAndAnOverlay()
    {
        Assert.Contains("base", Rendered.Kustomizations);
        Assert.Contains("setup-job", Rendered.Kustomizations);
        Assert.Contains("overlays/k3s-example", Rendered.Kustomizations);
    }

    [Fact]
    public void StrictLoad_UnknownFieldOrWrongType_Throws()
    {
        const string unknownField = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  nmespace: y\n";
        const string wrongType = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: two\n";
        Assert.ThrowsAny<Exception>(() => Rendered.LoadStrict(unknownField));
        Assert.ThrowsAny<Exception>(() => Rendered.LoadStrict(wrongType));
        Assert.IsType<V1ConfigMap>(Assert.Single(Rendered.LoadStrict("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_EveryObject_LoadsStrictlyAsAKnownType(string kustomization)
    {
        var objects = Rendered.Objects(kustomization);
        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.IsAssignableFrom<IMetadata<V1ObjectMeta>>(o));
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(((IMetadata<V1ObjectMeta>)o).Metadata.Name)));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void HostPaths_EveryVolumeAndPersistentVolume_IsTheStore(string kustomization)
    {
        foreach (var (owner, spec) in Rendered.PodSpecs(kustomization))
        {
            foreach (var v in (spec.Volumes ?? []).Where(v => v.HostPath is not null))
            {
                Assert.True(v.HostPath.Path == Rendered.StorePath, $"{owner} volume {v.Name}: {v.HostPath.Path}");
                Assert.Equal("DirectoryOrCreate", v.HostPath.Type);
            }
        }

        foreach (var pv in Rendered.Of<V1PersistentVolume>(kustomization))
        {
            Assert.Equal(Rendered.StorePath, pv.Spec.HostPath?.Path);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Images_DefaultToLocalhostDevTags(string kustomization)
    {
        foreach (var (owner, spec) in Rendered.PodSpecs(kustomization))
        {
            foreach (var c in spec.Containers.Concat(spec.InitContainers ?? []))
            {
                if (c.Image.StartsWith(Rendered.DaemonImage, StringComparison.Ordinal) || c.Image.StartsWith(Rendered.GateImage, StringComparison.Ordinal))
                {
                    Assert.True(c.Image.EndsWith(":dev", StringComparison.Ordinal), $"{owner}/{c.Name}: {c.Image}");
                }
            }
        }
    }

    [Fact]
    public void Base_ConfigMap_HoldsAModelsYamlWhoseRootIsTheStore()
    {
        var cm = Assert.Single(Rendered.Of<V1ConfigMap>("base"), c => c.Metadata.Name == "modelsync-models");
        Assert.True(cm.Data.TryGetValue("models.yaml", out var yaml));
        var manifest = Manifest.Parse(yaml);
        Assert.Equal(Rendered.StorePath, manifest.StoreRoot);
        Assert.NotEmpty(manifest.Models);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void DaemonSets_ThatRunTheDaemon_PodsCarryTheLabelsK3sModelsFindsThemBy(string kustomization)
    {
        // deploy/k3s-models.sh: daemon_selector (status, monitor, --wait-models, validate).
        foreach (var ds in Rendered.Of<V1DaemonSet>(kustomization).Where(d => d.Spec.Template.Spec.Containers.Any(c => c.Image.StartsWith(Rendered.DaemonImage, StringComparison.Ordinal))))
        {
            var labels = ds.Spec.Template.Metadata.Labels;
            Assert.Equal("modelsync", labels["app.kubernetes.io/part-of"]);
            Assert.Equal("daemon", labels["app.kubernetes.io/component"]);
            Assert.Equal("daemon", ds.Metadata.Labels["app.kubernetes.io/component"]); // setup --prefetch leaves it out
        }
    }

    [Fact]
    public void Base_DaemonSet_ProbesHitHealthzAndReadyzOnTheListenPort()
    {
        var ds = Assert.Single(Rendered.Of<V1DaemonSet>("base"));
        var daemon = Assert.Single(ds.Spec.Template.Spec.Containers);
        var args = daemon.Args.ToList();
        Assert.Equal("run", args[0]);
        var listen = new Uri(args[args.IndexOf("--listen") + 1]);
        var port = Assert.Single(daemon.Ports);
        Assert.Equal(listen.Port, port.ContainerPort);

        Assert.Equal("/healthz", daemon.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", daemon.ReadinessProbe.HttpGet.Path);
        foreach (var probe in new[] { daemon.LivenessProbe, daemon.ReadinessProbe })
        {
            var p = probe.HttpGet.Port;
            Assert.True(p.Value == port.Name || p.Value == listen.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"probe port {p.Value}");
        }

        // Readiness means "every model Ready": a long download must never fail liveness or a startup probe.
        Assert.Null(daemon.StartupProbe);
    }

    [Fact]
    public void Base_DaemonSet_MountsManifestAndStoreWhereTheArgsAndManifestSayAndRunsEverywhere()
    {
        var ds = Assert.Single(Rendered.Of<V1DaemonSet>("base"));
        var pod = ds.Spec.Template.Spec;
        var daemon = Assert.Single(pod.Containers);
        var args = daemon.Args.ToList();
        var manifestPath = args[args.IndexOf("--manifest") + 1];
        var manifestMount = Assert.Single(daemon.VolumeMounts, m => manifestPath.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        Assert.Equal("modelsync-models", pod.Volumes.Single(v => v.Name == manifestMount.Name).ConfigMap.Name);
        Assert.Null(manifestMount.SubPath); // a subPath mount would never see ConfigMap updates

        var storeVolume = pod.Volumes.Single(v => v.HostPath is not null);
        var storeMount = Assert.Single(daemon.VolumeMounts, m => m.Name == storeVolume.Name);
        Assert.Equal(Rendered.StorePath, storeMount.MountPath); // = store.root in models.yaml
        Assert.NotEqual(true, storeMount.ReadOnlyProperty);

        var node = Assert.Single(daemon.Env, e => e.Name == "MODELSYNC_NODE");
        Assert.Equal("spec.nodeName", node.ValueFrom.FieldRef.FieldPath);

        Assert.Contains(pod.Tolerations, t => t.OperatorProperty == "Exists" && t.Key is null && t.Effect == "NoSchedule");
        Assert.Equal(60, pod.TerminationGracePeriodSeconds);
        Assert.Equal("256Mi", daemon.Resources.Limits["memory"].ToString());
        Assert.NotNull(daemon.Resources.Requests);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("setup-job")]
    public void DaemonPods_SecurityContext_NonRootReadOnlyNoCapabilities(string kustomization)
    {
        var (owner, pod) = Assert.Single(Rendered.PodSpecs(kustomization));
        Assert.True(pod.SecurityContext.RunAsNonRoot, owner);
        Assert.Equal(65532, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        foreach (var c in pod.Containers)
        {
            AssertLockedDown(c);
            Assert.NotEqual(0, c.SecurityContext.RunAsUser ?? 65532);
        }

        // The only root process: the init container that hands the hostPath to 65532.
        var chown = Assert.Single(pod.InitContainers);
        Assert.Equal(0, chown.SecurityContext.RunAsUser);
        Assert.Equal(true, chown.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(false, chown.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], chown.SecurityContext.Capabilities.Drop);
        Assert.Subset(new HashSet<string> { "CHOWN", "FOWNER", "DAC_OVERRIDE" }, chown.SecurityContext.Capabilities.Add.ToHashSet());
        // Every entry not owned by the daemon is handed over, not only the root.
        Assert.Contains("""busybox find "$root" \( ! -user 65532 -o ! -group 65532 \) -exec busybox chown -h 65532:65532 {} +""", string.Join(' ', chown.Args), StringComparison.Ordinal);
        Assert.Contains(chown.VolumeMounts, m => m.MountPath == Rendered.StorePath);
    }

    [Fact]
    public void SetupJob_RunsSyncOnceAndDoesNotRetryABadManifest()
    {
        var job = Assert.Single(Rendered.Of<V1Job>("setup-job"));
        var sync = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal(["sync", "--manifest", "/etc/modelsync/models.yaml"], sync.Args);
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
        var rule = Assert.Single(job.Spec.PodFailurePolicy.Rules, r => r.Action == "FailJob");
        Assert.Contains(2, rule.OnExitCodes.Values);
        // A drained or preempted sync (exit 143 after flushing) is not counted against backoffLimit,
        // and the grace period leaves it far more than the few seconds it needs to stop.
        var disruption = Assert.Single(job.Spec.PodFailurePolicy.Rules, r => r.Action == "Ignore");
        Assert.Equal("DisruptionTarget", Assert.Single(disruption.OnPodConditions).Type);
        Assert.True(job.Spec.Template.Spec.TerminationGracePeriodSeconds >= 30);
        Assert.Equal("modelsync", job.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Base_PersistentVolume_IsReadOnlyManyRetainOnTheStore()
    {
        var pv = Assert.Single(Rendered.Of<V1PersistentVolume>("base"));
        Assert.Equal(["ReadOnlyMany"], pv.Spec.AccessModes);
        Assert.Equal("Retain", pv.Spec.PersistentVolumeReclaimPolicy);
        Assert.Equal("10Gi", pv.Spec.Capacity["storage"].ToString());
        Assert.Equal("modelsync-local", pv.Spec.StorageClassName);
        Assert.Equal(Rendered.StorePath, pv.Spec.HostPath.Path);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_GateInitContainers_ReadOnlyStoreAndOnlyGateEnv(string overlay)
    {
        var objects = Rendered.Objects(overlay);
        var models = Manifest.Parse(Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == "modelsync-models").Data["models.yaml"])
            .Models.Select(m => m.Name).ToHashSet();
        var gated = 0;
        foreach (var (owner, pod) in Rendered.PodSpecs(overlay))
        {
            var gate = (pod.InitContainers ?? []).SingleOrDefault(c => c.Image.StartsWith(Rendered.GateImage, StringComparison.Ordinal));
            if (gate is null)
            {
                continue;
            }

            gated++;
            Assert.Equal(0, pod.InitContainers!.IndexOf(gate)); // nothing runs before the models are there
            var env = gate.Env.ToDictionary(e => e.Name, e => e.Value);
            Assert.All(env.Keys, name => Assert.True(GateEnv.Contains(name), $"{owner}: the gate does not read {name}"));
            // The plain gate takes no arguments; the pin-holding sidecar (restartPolicy Always) takes --hold and a
            // paths file, and a startupProbe that keeps the app from starting before the pins are held.
            if (gate.RestartPolicy == "Always")
            {
                Assert.Equal(["--hold", "--paths-file", "/pins/paths"], gate.Args);
                Assert.Equal(["/usr/local/bin/ModelSync.Gate", "--pinned", "/pins/paths"], gate.StartupProbe.Exec.Command);
            }
            else
            {
                Assert.Null(gate.Args);
            }

            Assert.Null(gate.Command);

            var root = env["MODELSYNC_ROOT"];
            var mount = Assert.Single(gate.VolumeMounts, m => m.MountPath == root);
            Assert.True(mount.ReadOnlyProperty, $"{owner}: the gate's {root} mount is not readOnly");
            AssertStoreVolume(owner, pod.Volumes.Single(v => v.Name == mount.Name), objects);

            // MODELSYNC_REQUIRE: NAME[@VERSION],... each NAME in the manifest of this install.
            var required = env["MODELSYNC_REQUIRE"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(required);
            Assert.All(required, r => Assert.True(models.Contains(r.Split('@')[0]), $"{owner}: {r} is not in models.yaml ({string.Join(", ", models)})"));
            Assert.Matches("^[0-9]+(ms|s|m|h)$", env["MODELSYNC_TIMEOUT"]);
            Assert.True(env.GetValueOrDefault("MODELSYNC_VERIFY", "size") is "size" or "full");
            AssertLockedDown(gate);

            // The service sees the same store, read-only too.
            foreach (var c in pod.Containers.Where(c => c.VolumeMounts?.Any(m => m.Name == mount.Name) == true))
            {
                var m = c.VolumeMounts.Single(m => m.Name == mount.Name);
                Assert.Equal(root, m.MountPath);
                Assert.True(m.ReadOnlyProperty, $"{owner}/{c.Name}: {m.MountPath} is not readOnly");
            }
        }

        Assert.True(gated >= 1, $"{overlay} has no pod gated by {Rendered.GateImage}");
    }

    [Fact]
    public void K3sExample_TwoServicesInTheirNamespaceNeedFinbertAndMinilm()
    {
        var deployments = Rendered.Of<V1Deployment>("overlays/k3s-example").ToDictionary(d => d.Metadata.Name);
        Assert.Equal(["embeddings-service", "sentiment-service"], deployments.Keys.Order(StringComparer.Ordinal));
        Assert.All(deployments.Values, d => Assert.Equal("crypto-data-collection", d.Metadata.NamespaceProperty));
        string Require(string n) => deployments[n].Spec.Template.Spec.InitContainers[0].Env.Single(e => e.Name == "MODELSYNC_REQUIRE").Value;
        Assert.Equal("finbert", Require("sentiment-service"));
        Assert.Equal("minilm", Require("embeddings-service"));
        Assert.Equal("modelsync", Assert.Single(Rendered.Of<V1DaemonSet>("overlays/k3s-example")).Metadata.NamespaceProperty);
    }

    private static void AssertStoreVolume(string owner, V1Volume volume, IReadOnlyList<object> objects)
    {
        if (volume.HostPath is not null)
        {
            Assert.Equal(Rendered.StorePath, volume.HostPath.Path);
            return;
        }

        var claimRef = volume.PersistentVolumeClaim;
        Assert.True(claimRef is not null, $"{owner}: volume {volume.Name} is neither the store's hostPath nor a claim");
        Assert.True(claimRef.ReadOnlyProperty, $"{owner}: claim {claimRef.ClaimName} not mounted readOnly");
        var claim = Assert.Single(objects.OfType<V1PersistentVolumeClaim>(), c => c.Metadata.Name == claimRef.ClaimName);
        Assert.Equal(["ReadOnlyMany"], claim.Spec.AccessModes);
        var pv = Assert.Single(objects.OfType<V1PersistentVolume>(), p =>
            p.Metadata.Name == claim.Spec.VolumeName && p.Spec.StorageClassName == claim.Spec.StorageClassName);
        Assert.Equal(Rendered.StorePath, pv.Spec.HostPath.Path);
        Assert.Contains("ReadOnlyMany", pv.Spec.AccessModes);
        foreach (var (key, value) in claim.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>())
        {
            Assert.Equal(value, pv.Metadata.Labels[key]);
        }
    }

    private static void AssertLockedDown(V1Container c)
    {
        var sc = c.SecurityContext;
        Assert.True(sc is not null, $"{c.Name}: no securityContext");
        Assert.True(sc.ReadOnlyRootFilesystem, $"{c.Name}: readOnlyRootFilesystem");
        Assert.False(sc.AllowPrivilegeEscalation ?? true, $"{c.Name}: allowPrivilegeEscalation");
        Assert.NotEqual(true, sc.Privileged);
        Assert.Equal(["ALL"], sc.Capabilities.Drop);
        Assert.True(sc.Capabilities.Add is null || sc.Capabilities.Add.Count == 0, $"{c.Name}: adds capabilities");
    }
}

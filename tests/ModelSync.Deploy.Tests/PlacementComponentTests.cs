using k8s.Models;
using Xunit;

namespace ModelSync.Deploy.Tests;

/// <summary>
/// deploy/kustomize/components/placement through the 5-node example overlay (docs/deploy.md, "Placement"): the token
/// turned on, RBAC of get and patch on nodes only, and the admission policy bound to the daemon's own service account.
/// What the policy admits is only checked against a real API server (not run here): these check what it is bound to.
/// </summary>
public sealed class PlacementComponentTests
{
    private const string Overlay = "overlays/placement-example";

    private static IReadOnlyList<object> Objects => Rendered.Objects(Overlay);

    private static V1DaemonSet Daemon => Assert.Single(Objects.OfType<V1DaemonSet>());

    [Fact]
    public void Render_ServiceAccountToken_OnForTheDaemonOnly()
    {
        var account = Assert.Single(Objects.OfType<V1ServiceAccount>(), a => a.Metadata.Name == Daemon.Spec.Template.Spec.ServiceAccountName);
        Assert.True(account.AutomountServiceAccountToken);
        Assert.True(Daemon.Spec.Template.Spec.AutomountServiceAccountToken);
        Assert.All(Objects.OfType<V1Deployment>(), d => Assert.False(d.Spec.Template.Spec.AutomountServiceAccountToken));
    }

    [Fact]
    public void Render_ClusterRole_GetAndPatchNodesOnly_BoundToTheDaemonsAccount()
    {
        var role = Assert.Single(Objects.OfType<V1ClusterRole>());
        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["nodes"], rule.Resources);
        Assert.Equal(["get", "patch"], rule.Verbs);

        var binding = Assert.Single(Objects.OfType<V1ClusterRoleBinding>());
        Assert.Equal(("ClusterRole", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", Daemon.Spec.Template.Spec.ServiceAccountName, Daemon.Metadata.NamespaceProperty), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    [Fact]
    public void Render_AdmissionPolicy_TheDaemonsAccountItsOwnNodeItsOwnLabels()
    {
        var policy = Assert.Single(Objects.OfType<V1ValidatingAdmissionPolicy>());
        var binding = Assert.Single(Objects.OfType<V1ValidatingAdmissionPolicyBinding>());
        Assert.Equal(policy.Metadata.Name, binding.Spec.PolicyName);
        Assert.Equal(["Deny"], binding.Spec.ValidationActions);
        Assert.Equal("Fail", policy.Spec.FailurePolicy);

        var match = Assert.Single(policy.Spec.MatchConditions);
        Assert.Equal($"request.userInfo.username == 'system:serviceaccount:{Daemon.Metadata.NamespaceProperty}:{Daemon.Spec.Template.Spec.ServiceAccountName}'", match.Expression);
        var nodes = Assert.Single(policy.Spec.MatchConstraints.ResourceRules);
        Assert.Equal(["nodes"], nodes.Resources);
        Assert.Equal(["UPDATE"], nodes.Operations);

        var all = string.Join("\n", policy.Spec.Validations.Select(v => v.Expression).Concat(policy.Spec.Variables.Select(v => v.Expression)));
        Assert.Contains("request.userInfo.extra['authentication.kubernetes.io/node-name']", all, StringComparison.Ordinal);
        Assert.Contains("variables.nodeClaim[0] == object.metadata.name", all, StringComparison.Ordinal);
        Assert.Contains("k.startsWith('modelsync.io/')", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Services_PreferWarmNodes()
    {
        var llm = Assert.Single(Objects.OfType<V1Deployment>(), d => d.Metadata.Name == "llm-service").Spec.Template.Spec.Affinity.NodeAffinity;
        var warm = Assert.Single(llm.PreferredDuringSchedulingIgnoredDuringExecution).Preference.MatchExpressions.Single();
        Assert.Equal(("modelsync.io/llm", "In", "ready"), (warm.Key, warm.OperatorProperty, Assert.Single(warm.Values)));
        var gpu = Assert.Single(Assert.Single(llm.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchExpressions);
        Assert.Equal(("gpu", "a100"), (gpu.Key, Assert.Single(gpu.Values)));

        var models = Assert.Single(Objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == "modelsync-models").Data["models.yaml"];
        Assert.Contains("matchLabels: { gpu: a100 }", models, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OnDemandService_AsksThroughAPinHoldingSidecar_OnTheNodesTheAdapterMayBeOn()
    {
        var bot = Assert.Single(Objects.OfType<V1Deployment>(), d => d.Metadata.Name == "support-bot");
        var gate = Assert.Single(bot.Spec.Template.Spec.InitContainers);
        // The plain init-container form refuses an on-demand model: only a pin tells the daemon the pod uses it.
        Assert.Equal("Always", gate.RestartPolicy);
        Assert.Contains("--hold", gate.Args);
        Assert.Equal("llm,lora-support", Assert.Single(gate.Env, e => e.Name == "MODELSYNC_REQUIRE").Value);
        Assert.All(gate.VolumeMounts.Where(m => m.Name == "models"), m => Assert.True(m.ReadOnlyProperty));
        var term = Assert.Single(bot.Spec.Template.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms);
        Assert.Equal(("gpu", "In", "a100"), (term.MatchExpressions[0].Key, term.MatchExpressions[0].OperatorProperty, Assert.Single(term.MatchExpressions[0].Values)));
    }
}

using k8s.Models;
using Xunit;

namespace ModelSync.Deploy.Tests;

/// <summary>The example overlay runs only images the repository builds (scripts/deploy-images.sh) and
/// scripts/release.sh pushes: an operator applying it pulls nothing that does not exist.</summary>
public sealed class ExampleImagesTests
{
    [Fact]
    public void K3sExample_EveryContainer_RunsAnImageTheRepoBuilds()
    {
        var images = Rendered.PodSpecs("overlays/k3s-example")
            .SelectMany(p => p.Spec.Containers.Concat(p.Spec.InitContainers ?? []).Select(c => (p.Owner, c.Name, c.Image)))
            .ToList();

        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.True(
            i.Image is $"{Rendered.DaemonImage}:dev" or $"{Rendered.GateImage}:dev", $"{i.Owner}/{i.Name}: {i.Image}"));
    }

    [Fact]
    public void K3sExample_Services_ServeTheirModelDirectoryWithBusyboxHttpd()
    {
        var deployments = Rendered.Of<V1Deployment>("overlays/k3s-example").ToDictionary(d => d.Metadata.Name);
        foreach (var d in deployments.Values)
        {
            var service = Assert.Single(d.Spec.Template.Spec.Containers);
            var port = Assert.Single(service.Ports).ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (d.Metadata.Name == "sentiment-service")
            {
                // The pinned form serves the directory its sidecar pinned, read from the shared paths file.
                Assert.Equal(["/usr/bin/busybox", "sh", "-c"], service.Command.Take(3));
                Assert.Equal($"exec /usr/bin/busybox httpd -f -v -p {port} -h \"`/usr/bin/busybox sed -n s/^finbert=//p /pins/paths`\"", service.Command[3]);
                Assert.Contains(service.VolumeMounts, m => m is { MountPath: "/pins", ReadOnlyProperty: true });
                continue;
            }

            Assert.Equal(["/usr/bin/busybox", "httpd", "-f", "-v", "-p", port, "-h", "$(MODEL_DIR)"], service.Command);
            Assert.Contains(service.Env, e => e.Name == "MODEL_DIR" && e.Value.StartsWith("/app/models/current/", StringComparison.Ordinal));
        }

        Assert.Equal(["embeddings-service", "sentiment-service"], deployments.Keys.Order(StringComparer.Ordinal));
    }
}

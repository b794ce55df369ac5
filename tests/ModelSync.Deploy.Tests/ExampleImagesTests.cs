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
        foreach (var d in Rendered.Of<V1Deployment>("overlays/k3s-example"))
        {
            var service = Assert.Single(d.Spec.Template.Spec.Containers);
            var port = Assert.Single(service.Ports).ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(["/usr/bin/busybox", "httpd", "-f", "-v", "-p", port, "-h", "$(MODEL_DIR)"], service.Command);
            Assert.Contains(service.Env, e => e.Name == "MODEL_DIR" && e.Value.StartsWith("/app/models/current/", StringComparison.Ordinal));
        }
    }
}

using System.Diagnostics;
using System.Net;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.OpsTests.Support;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.OpsTests.EndToEnd;

/// <summary>
/// An <c>hf://</c> model in run mode, from a static hub mirror on nginx (examples/hub-mirror.sh: a real git
/// commit, its blob ids and sha256): Ready at the commit, /readyz by source, and a branch that moves between
/// passes becomes a new version while the old one is kept.
/// </summary>
public sealed class HubRunModeTests
{
    [Fact]
    public async Task Run_HubModelAndItsBranchMoves_ReadyAtEachCommitInTurn()
    {
        using var nginx = await NginxFixture.StartAsync();
        using var dir = new TempDir();
        var source = dir.Combine("tiny");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "config.json"), "{\"model_type\": \"tiny\"}\n");
        File.WriteAllBytes(Path.Combine(source, "weights.bin"), new byte[300_000]);
        var first = Mirror(source, nginx);
        var store = dir.Combine("store");
        var manifest = dir.Combine("models.yaml");
        File.WriteAllText(manifest, ModelFiles.Manifest(nginx, store, [], interval: "1s", extraSync: $"  hfEndpoint: {nginx.BaseUrl}hub/")
            + "  - name: tiny\n    source: hf://acme/tiny@main\n");

        await using var daemon = DaemonRunner.Listen(manifest);
        await daemon.WaitUpAsync();
        await daemon.WaitModelAsync("tiny", "Ready", first);
        using (var ready = await daemon.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var status = await daemon.StatusAsync();
        Assert.Equal("hf://acme/tiny@main", status.GetProperty("manifest").GetProperty("models")[0].GetProperty("version").GetString());

        // Someone pushes to main: the next pass resolves the new commit, publishes it, switches current.
        File.WriteAllText(Path.Combine(source, "config.json"), "{\"model_type\": \"tiny\", \"revision\": 2}\n");
        var second = Mirror(source, nginx);
        Assert.NotEqual(first, second);
        await daemon.WaitModelAsync("tiny", "Ready", second);

        var layout = new StoreLayout(store);
        Assert.Equal(second, CurrentLink.Read(layout, "tiny"));
        Assert.Equal("hf://acme/tiny@main", MarkerFile.TryRead(layout.VersionDir("tiny", second))?.Source);
        Assert.NotNull(MarkerFile.TryRead(layout.VersionDir("tiny", first))); // keepVersions 1
    }

    /// <summary>Publishes <paramref name="source"/> as hf://acme/tiny@main under nginx's /hub/; returns the commit.</summary>
    private static string Mirror(string source, NginxFixture nginx)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(RepoRoot.Path, "examples", "hub-mirror.sh"), source, "acme/tiny", Path.Combine(nginx.WebRoot, "hub"), "*.bin" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var commit = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && commit.Length == 40, $"hub-mirror.sh: {error}");
        return commit;
    }
}

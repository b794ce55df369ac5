using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelSync.Daemon.IntegrationTests.Hub;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.HubView;

/// <summary>One commit of a repository as the view must show it: its refs and its files.</summary>
public sealed record ViewRevision(string Commit, IReadOnlyList<string> Refs, IReadOnlyList<HubFile> Files);

/// <summary>
/// Runs <c>tests/hub-view/check.mjs</c>: the official <c>@huggingface/hub</c> client (the version pinned there)
/// scans the store's <c>hub/</c> and downloads every file by commit from a closed port on 127.0.0.1, so it is
/// served from the view or not at all. <c>scripts/install-deps.sh</c> installs node and the client (npm ci).
/// </summary>
public static class HubJsClient
{
    public static string CheckDir => Path.Combine(DaemonRunner.RepoRoot, "tests", "hub-view");

    public static async Task<string> CheckAsync(string hubDir, string repo, IReadOnlyList<ViewRevision> revisions, ITestOutputHelper output)
    {
        Assert.True(Directory.Exists(Path.Combine(CheckDir, "node_modules", "@huggingface", "hub")),
            $"@huggingface/hub is not installed in {CheckDir}: run scripts/install-deps.sh (npm ci)");
        var expect = new JsonObject
        {
            ["cacheDir"] = hubDir,
            ["repos"] = new JsonArray(new JsonObject
            {
                ["id"] = repo,
                ["revisions"] = new JsonArray([.. revisions.Select(r => (JsonNode)new JsonObject
                {
                    ["commit"] = r.Commit,
                    ["refs"] = new JsonArray([.. r.Refs.Select(x => (JsonNode)x)]),
                    ["files"] = new JsonArray([.. r.Files.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["size"] = f.Content.Length, ["sha256"] = f.Sha256 })]),
                })]),
            }),
        };
        var file = Path.Combine(Path.GetDirectoryName(hubDir)!, "..", $"hub-view-expect-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, expect.ToJsonString());
        var info = new ProcessStartInfo("node") { WorkingDirectory = CheckDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("check.mjs");
        info.ArgumentList.Add(Path.GetFullPath(file));
        // No proxy, no token, no telemetry: nothing may leave 127.0.0.1.
        info.Environment["HF_HUB_OFFLINE"] = "1";
        foreach (var proxy in (string[])["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"])
        {
            info.Environment.Remove(proxy);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        output.WriteLine($"[@huggingface/hub] {text}");
        Assert.True(process.ExitCode == 0, $"check.mjs failed: {text}");
        return text;
    }
}

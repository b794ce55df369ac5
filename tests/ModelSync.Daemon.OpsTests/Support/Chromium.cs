using System.Diagnostics;

namespace ModelSync.Daemon.OpsTests.Support;

/// <summary>Headless Chromium (Debian package <c>chromium</c>) for the status page: DOM after scripts ran, and screenshots.</summary>
public static class Chromium
{
    public static string Binary() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium (scripts/install-deps.sh)");

    /// <summary>The DOM of <paramref name="url"/> after its scripts ran for up to 5 s of virtual time.</summary>
    public static async Task<string> DumpDomAsync(string url) => await RunAsync(["--virtual-time-budget=5000", "--dump-dom", url]);


    public static async Task ScreenshotAsync(string url, string file, params string[] extra) =>
        await RunAsync(["--virtual-time-budget=5000", "--hide-scrollbars", $"--screenshot={file}", "--window-size=1200,800", .. extra, url]);

    private static async Task<string> RunAsync(string[] args)
    {
        using var profile = new TempDir();
        var psi = new ProcessStartInfo(Binary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-proxy-server", $"--user-data-dir={profile.Path}", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish: " + await stderr);
        }

        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"chromium exited {process.ExitCode}: {await stderr}");
    }
}

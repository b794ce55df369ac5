using System.Diagnostics;

namespace ModelSync.Daemon.Tests.Cli;

/// <summary>Runs the real daemon binary: <c>dotnet ModelSync.Daemon.dll ARGS</c>.</summary>
internal static class DaemonProcess
{
    /// <summary>
    /// The project reference copies the daemon with its runtimeconfig next to the tests; a published
    /// artifacts/daemon is the fallback when the tests run from somewhere else.
    /// </summary>
    public static string DllPath { get; } = Find();

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung child, not a timing assertion.
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{DllPath} {string.Join(' ', args)}' did not exit");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string Find()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "ModelSync.Daemon.dll") };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelSync.slnx")))
            {
                candidates.Add(Path.Combine(dir.FullName, "artifacts", "daemon", "ModelSync.Daemon.dll"));
                break;
            }
        }

        return candidates.FirstOrDefault(dll => File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
            ?? throw new FileNotFoundException($"no runnable ModelSync.Daemon.dll in: {string.Join(", ", candidates)}");
    }
}

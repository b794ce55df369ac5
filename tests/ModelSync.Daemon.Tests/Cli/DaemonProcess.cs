using System.Diagnostics;

namespace ModelSync.Daemon.Tests.Cli;

/// <summary>Runs the real daemon binary (<see cref="DaemonBinary"/>: native, or <c>dotnet ModelSync.Daemon.dll</c>) with ARGS.</summary>
internal static class DaemonProcess
{
    public static string BinaryPath => DaemonBinary.Path;

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = DaemonBinary.StartInfo(args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung child, not a timing assertion.
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{BinaryPath} {string.Join(' ', args)}' did not exit");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

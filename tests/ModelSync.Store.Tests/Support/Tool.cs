using System.Diagnostics;

namespace ModelSync.Store.Tests.Support;

/// <summary>Runs a reference command-line tool (xxhsum, openssl, flock) and returns its stdout.</summary>
internal static class Tool
{
    public static (int ExitCode, string Stdout) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

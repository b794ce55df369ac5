using System.Collections;
using System.Text;
using ModelSync.Gate.Cli;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Signals;

namespace ModelSync.Gate.Commands;

/// <summary><c>-- CMD [ARGS...]</c>: wait, pin, then execve the service with the pins' fds inherited.</summary>
internal static class ExecCommand
{
    public static int Run(GateOptions options)
    {
        var pins = new PinSet();
        using (var shutdown = new StopSignal())
        {
            try
            {
                var code = PinFlow.WaitAndPin(options, shutdown, pins);
                if (code != ExitCodes.Valid)
                {
                    pins.Dispose();
                    return code;
                }
            }
            catch (OperationCanceledException)
            {
                pins.Dispose();
                Console.Out.WriteLine($"stopped by {shutdown.Signal} while pinning: models not ready");
                return ExitCodes.NotValid;
            }
        }

        var command = options.Command!;
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? "";
        }

        foreach (var p in pins.Pins)
        {
            env[PinSet.Variable(p.Name)] = p.Pin.Path;
            if (PinSet.HubRevision(p) is { } revision)
            {
                env[PinSet.RevisionVariable(p.Name)] = revision;
            }

            p.Pin.KeepAcrossExec();
        }

        if (Resolve(command[0], env.GetValueOrDefault("PATH")) is not { } path)
        {
            pins.Dispose();
            Console.Error.WriteLine($"ModelSync.Gate: '{command[0]}' not found (PATH={env.GetValueOrDefault("PATH") ?? "unset"})");
            return ExitCodes.CommandNotFound;
        }

        Console.Out.WriteLine($"exec {string.Join(' ', command)} with {pins.Pins.Count} pin(s) held");
        Console.Out.Flush();
        Console.Error.Flush();
        var errno = ServiceExec.Replace(path, command, [.. env.Select(e => $"{e.Key}={e.Value}")]);
        pins.Dispose();
        Console.Error.WriteLine($"ModelSync.Gate: cannot execute '{path}' (errno {errno})");
        return errno == 2 ? ExitCodes.CommandNotFound : ExitCodes.CannotExecute;
    }

    /// <summary>As a shell finds a command: a name with a slash as is, else the first executable file on PATH.</summary>
    private static string? Resolve(string name, string? pathVariable)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return name;
        }

        foreach (var dir in (pathVariable ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            var candidate = Path.Combine(dir.Length == 0 ? "." : dir, name);
            if (File.Exists(candidate) && !OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        return null;
    }
}

using System.Collections;
using System.Text;
using ModelSync.Gate.Cli;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Signals;

namespace ModelSync.Gate.Commands;

/// <summary>Waits as the plain gate does, then pins the versions that validated (docs/gate.md, "Pins").</summary>
internal static class PinFlow
{
    private const int Rounds = 10;

    /// <summary>0 with every required model pinned in <paramref name="pins"/>, else the wait's exit code.</summary>
    public static int WaitAndPin(GateOptions options, StopSignal shutdown, PinSet pins)
    {
        var layout = new StoreLayout(options.Root);
        for (var round = 1; ; round++)
        {
            var code = WaitCommand.Run(options, shutdown, out var probe);
            if (code != ExitCodes.Valid)
            {
                return code;
            }

            if (pins.TryAddValidated(layout, probe!.Report!, shutdown.Token))
            {
                foreach (var p in pins.Pins)
                {
                    Console.Out.WriteLine($"pinned {p.Name}@{p.Version} ({p.Pin.Path})");
                }

                return ExitCodes.Valid;
            }

            // GC moved a validated version away between the look and the pin (it was not pinned yet): look again.
            Console.Out.WriteLine("a validated version left the store before it was pinned: looking again");
            if (round == Rounds)
            {
                return ExitCodes.NotValid;
            }
        }
    }
}

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

    /// <summary><c>--install DIR</c>: copies this executable to <c>DIR/ModelSync.Gate</c> (0755, temp file + rename),
    /// so a service container can run it from an <c>emptyDir</c>. 0, or 1 with one line on stderr.</summary>
    public static int Install(string dir)
    {
        try
        {
            var self = Environment.ProcessPath ?? throw new IOException("cannot tell this executable's path");
            var target = Path.Combine(dir, "ModelSync.Gate");
            var temp = Path.Combine(dir, $".ModelSync.Gate.{Environment.ProcessId}.tmp");
            File.Copy(self, temp, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            File.Move(temp, target, overwrite: true);
            Console.Out.WriteLine($"installed {target}");
            return ExitCodes.Valid;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ModelSync.Gate: --install {dir}: {ex.Message}");
            return ExitCodes.NotValid;
        }
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

/// <summary><c>--hold [--paths-file FILE]</c>: wait, pin, write the paths, stay until SIGTERM/SIGINT.</summary>
internal static class HoldCommand
{
    public static int Run(GateOptions options)
    {
        using var shutdown = new StopSignal();
        using var pins = new PinSet();
        var layout = new StoreLayout(options.Root);
        try
        {
            if (options.PathsFile is { } file)
            {
                Repin(options, layout, file, pins, shutdown.Token);
            }

            var rest = options.Requirements!.Where(r => pins.Pins.All(p => p.Name != r.Name)).ToList();
            if (rest.Count > 0)
            {
                var code = PinFlow.WaitAndPin(options with { Requirements = rest }, shutdown, pins);
                if (code != ExitCodes.Valid)
                {
                    return code;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Console.Out.WriteLine($"stopped by {shutdown.Signal} while pinning: nothing held");
            return ExitCodes.NotValid;
        }

        if (options.PathsFile is { } paths)
        {
            try
            {
                AtomicFile.WriteAllBytes(paths, Encoding.UTF8.GetBytes(pins.PathsText()));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The app would never learn its paths: fail (the kubelet restarts the sidecar) rather than hold blind.
                Console.Error.WriteLine($"ModelSync.Gate: cannot write {paths}: {ex.Message}");
                return ExitCodes.NotValid;
            }

            Console.Out.WriteLine($"wrote {paths}");
        }

        Console.Out.WriteLine($"holding {pins.Pins.Count} pin(s) until SIGTERM");
        Console.Out.Flush();
        shutdown.Token.WaitHandle.WaitOne();
        Console.Out.WriteLine($"stopped by {shutdown.Signal}: pins released");
        return ExitCodes.Valid;
    }

    /// <summary><c>--pinned FILE</c>: 0 when FILE lists at least one path and a holder pins each of them now (its
    /// exclusive flock is refused), else 1. Reads only and needs no write access: fit for a startupProbe.</summary>
    public static int Probe(string file)
    {
        Dictionary<string, string> paths;
        try
        {
            paths = PinSet.ReadPaths(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Out.WriteLine($"{file}: {ex.Message}");
            return ExitCodes.NotValid;
        }

        var unpinned = paths.Where(p => !VersionRemovalLock.IsPinned(p.Value)).Select(p => p.Key).ToList();
        if (paths.Count > 0 && unpinned.Count == 0)
        {
            return ExitCodes.Valid;
        }

        Console.Out.WriteLine(paths.Count == 0 ? $"{file}: no pinned paths yet" : $"{file}: not pinned now: {string.Join(", ", unpinned)}");
        return ExitCodes.NotValid;
    }

    /// <summary>A restarted holder pins what the paths file records (the versions the app started on), not
    /// whatever is current now; a recorded version that left the store is pinned afresh after a wait.</summary>
    private static void Repin(GateOptions options, StoreLayout layout, string file, PinSet pins, CancellationToken ct)
    {
        Dictionary<string, string> recorded;
        try
        {
            recorded = PinSet.ReadPaths(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Out.WriteLine($"cannot read {file} ({ex.Message}): pinning what validates now");
            return;
        }

        foreach (var (name, path) in recorded)
        {
            var requirement = options.Requirements!.FirstOrDefault(r => r.Name == name);
            var version = Path.GetFileName(path.TrimEnd('/'));
            if (requirement is null || (requirement.Version is { } wanted && wanted != version))
            {
                continue;
            }

            if (Path.GetFullPath(layout.VersionDir(name, version)) != path)
            {
                Console.Out.WriteLine($"{file}: {name}={path} is not a version directory under {layout.Root}: pinning afresh");
            }
            else if (pins.TryAdd(layout, name, version, ct))
            {
                Console.Out.WriteLine($"pinned {name}@{version} again, as {file} records ({path})");
            }
            else
            {
                Console.Out.WriteLine($"{file} records {name}@{version}, which is no longer in the store: pinning what validates now");
            }
        }
    }
}

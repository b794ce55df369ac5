using System.Collections;
using System.Text;
using ModelSync.Gate.Cli;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Signals;

namespace ModelSync.Gate.Commands;

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

namespace ModelSync.Gate.Cli;

internal static class Usage
{
    private const string Text = """
        ModelSync.Gate: waits until the models a pod needs are present and intact (docs/gate.md).

        Usage: ModelSync.Gate [--root DIR] [--require NAME[@VERSION],...] [--timeout DUR]
                              [--interval DUR] [--absent-grace DUR] [--verify size|full]
                              [--check] [--json]
               ModelSync.Gate [options] --require LIST -- CMD [ARGS...]
               ModelSync.Gate [options] --require LIST --hold [--paths-file FILE]
               ModelSync.Gate --pinned FILE
               ModelSync.Gate --install DIR

          --root DIR          store root (env MODELSYNC_ROOT, default /app/models)
          --require LIST      models to wait for, NAME or NAME@VERSION, comma-separated
                              (env MODELSYNC_REQUIRE, default: every model in the inventory)
          --timeout DUR       give up after this long (env MODELSYNC_TIMEOUT, default 30m)
          --interval DUR      poll this often (env MODELSYNC_INTERVAL, default 2s)
          --absent-grace DUR  give up early (exit 4) on a model absent from the inventory or
                              parked for this long while the daemon is live and idle
                              (env MODELSYNC_ABSENT_GRACE, default 3m)
          --verify MODE       size: existence and size; full: re-hash every file
                              (env MODELSYNC_VERIFY, default size)
          --check             validate once and exit (env MODELSYNC_CHECK=true)
          --require-signed    accept only versions with a verified model signature
                              (env MODELSYNC_REQUIRE_SIGNED=true; docs/signatures.md)
          --json              print the report as one JSON document (env MODELSYNC_JSON=true)
          -- CMD [ARGS...]    wait, pin the versions validated, then exec CMD with the pins held
                              and MODELSYNC_PATH_<NAME> set to each pinned directory
          --hold              wait, pin, then stay until SIGTERM/SIGINT (a native sidecar)
                              (env MODELSYNC_HOLD=true)
          --paths-file FILE   with --hold: write NAME=PATH lines there; a restarted holder pins
                              what FILE records (env MODELSYNC_PATHS_FILE)
          --pinned FILE       exit 0 when every path FILE lists is pinned now, else 1
                              (the startupProbe of a --hold sidecar; command line only)
          --install DIR       copy this binary to DIR/ModelSync.Gate and exit (command line only)
          --version           print the gate's version and exit
          -h, --help          this text

        Durations: 500ms, 2s, 5m, 1h, 1h30m (each unit once, largest first).
        The command line wins over the environment.
        Exit codes: 0 valid, 1 not valid or timed out, 2 usage error (or an on-demand model in a plain
        form), 3 no or corrupt inventory, 4 cannot succeed (waiting cannot help),
        126/127 CMD could not be executed / not found.
        Pins: only '-- CMD' and --hold pin; the plain wait and --check hold no pin.
        On-demand models: '-- CMD' and --hold ask the daemon for them (on ROOT/.modelsync/request.sock);
        the plain wait and --check refuse them (exit 2).
        """;

    /// <summary>The same string <c>ModelSync.Daemon --version</c> prints: the informational version.</summary>
    public static int PrintVersion()
    {
        var assembly = typeof(Usage).Assembly;
        var version = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(assembly)?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        Console.Out.WriteLine($"ModelSync.Gate {version}");
        return ExitCodes.Valid;
    }

    public static int Print()
    {
        Console.Out.WriteLine(Text);
        return ExitCodes.Valid;
    }
}

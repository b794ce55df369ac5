using System.CommandLine;
using System.CommandLine.Help;

namespace ModelSync.Daemon.Cli;

/// <summary>The verbs of the daemon binary; each lives in its own command class.</summary>
public static class DaemonCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Not RootCommand: it names itself after argv[0] without its "extension", which makes the native
        // binary ModelSync.Daemon "ModelSync" in every usage line.
        var root = new Command("ModelSync.Daemon", "ModelSync daemon: keeps ML models on this node in sync with a manifest.")
        {
            new HelpOption(),
            new VersionOption(),
            SyncCommand.Create(),
            StatusCommand.Create(),
            ValidateCommand.Create(),
            RunCommand.Create(),
            GcCommand.Create(),
            VerifyCommand.Create(),
            HashCommand.Create(),
            RetryCommand.Create(),
        };
        if (args.Length == 0)
        {
            // A bare binary is most often someone finding out what it does: say it, rather than start a daemon.
            await root.Parse(["--help"]).InvokeAsync();
            return ExitCodes.Usage;
        }

        var result = root.Parse(WithDefaultVerb(WithHelpVerb(args)));
        if (result.Errors.Count > 0)
        {
            // Usage errors are exit 2 by contract (System.CommandLine would say 1).
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync("Run with --help for usage.");
            return ExitCodes.Usage;
        }

        // No forced exit on SIGTERM/SIGINT: run (the host) and sync (StopSignal) stop at a resumable point
        // themselves; System.CommandLine's handler would cut them short after 2 s.
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary><c>help [VERB]</c> is <c>[VERB] --help</c>.</summary>
    internal static string[] WithHelpVerb(string[] args) =>
        args is ["help", .. var rest] ? [.. rest, "--help"] : args;

    /// <summary><c>run</c> is the default verb when options come first: <c>ModelSync.Daemon --manifest m.yaml</c>
    /// is the daemon (the DaemonSet's args). No arguments at all print the help instead.</summary>
    internal static string[] WithDefaultVerb(string[] args) =>
        args.Length > 0 && (args[0].StartsWith('-') && args[0] is not ("-h" or "--help" or "-?" or "--version"))
            ? ["run", .. args]
            : args;
}

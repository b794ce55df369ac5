using ModelSync.Gate.Cli;
using ModelSync.Gate.Commands;

var options = GateOptionsParser.Parse(args, Environment.GetEnvironmentVariable, out var error);
if (options is null)
{
    Console.Error.WriteLine($"ModelSync.Gate: {error} (see --help)");
    return ExitCodes.Usage;
}

return options.Help ? Usage.Print()
    : options.Version ? Usage.PrintVersion()
    : options.InstallDir is { } installDir ? InstallCommand.Run(installDir)
    : options.PinnedProbe is { } pinned ? HoldCommand.Probe(pinned)
    : options.Check ? CheckCommand.Run(options)
    : options.Command is not null ? ExecCommand.Run(options)
    : options.Hold ? HoldCommand.Run(options)
    : WaitCommand.Run(options);

using System.CommandLine;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.HubView;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Layout;
using ModelSync.Store.IO;
using Serilog.Extensions.Logging;

namespace ModelSync.Daemon.Cli;

/// <summary><c>gc [--dry-run]</c>: removes what the manifest no longer needs (rules: <see cref="GcPlanner"/>),
/// once, under the store lock; run mode does the same after every reconcile. While <c>run</c> holds the
/// lock, the running daemon does it (<see cref="LiveOperation"/>).</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var logFormat = CommonOptions.LogFormat();
        var logLevel = CommonOptions.LogLevel();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be removed; change nothing." };
        var command = new Command("gc", "Remove old versions beyond store.keepVersions, models no longer in the manifest, stale staging and trash.")
        {
            manifestOption, dryRun, logFormat, logLevel,
        };
        command.SetAction(async (parse, ct) =>
        {
            var manifest = CommonOptions.LoadManifest(parse.GetValue(manifestOption)!);
            if (manifest is null)
            {
                return ExitCodes.Usage;
            }

            var layout = new StoreLayout(manifest.Store.Root);
            if (!StoreAccess.IsWritable(layout))
            {
                return ExitCodes.StoreUnusable;
            }

            // While run holds the lock, the daemon collects for us, with the manifest it has in force.
            using var storeLock = StoreLock.TryAcquire(layout);
            if (storeLock is null)
            {
                return await LiveOperation.AskAsync(layout, LiveOperation.Gc(parse.GetValue(dryRun)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
            }

            using var serilog = LoggingSetup.Create(parse.GetValue(logFormat), parse.GetValue(logLevel) ?? Serilog.Events.LogEventLevel.Information);
            using var factory = new SerilogLoggerFactory(serilog);
            var gc = new GarbageCollector(TimeProvider.System, HubViewWriter.Following(factory), factory.CreateLogger<GarbageCollector>());
            var result = gc.Collect(layout, manifest, parse.GetValue(dryRun));
            foreach (var line in GcReport.Errors(result))
            {
                parse.InvocationConfiguration.Error.WriteLine(line);
            }

            foreach (var line in GcReport.Output(result))
            {
                parse.InvocationConfiguration.Output.WriteLine(line);
            }

            return result.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

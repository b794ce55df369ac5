using System.CommandLine;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;
using Serilog.Extensions.Logging;

namespace ModelSync.Daemon.Cli;

/// <summary><c>gc [--dry-run]</c>: removes what the manifest no longer needs (rules: <see cref="GcPlanner"/>),
/// once, under the store lock; run mode does the same after every reconcile.</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var logFormat = CommonOptions.LogFormat();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be removed; change nothing." };
        var command = new Command("gc", "Remove old versions beyond store.keepVersions, models no longer in the manifest, stale staging and trash.")
        {
            manifestOption, dryRun, logFormat,
        };
        command.SetAction(parse =>
        {
            var manifest = CommonOptions.LoadManifest(parse.GetValue(manifestOption)!);
            if (manifest is null)
            {
                return ExitCodes.Usage;
            }

            var layout = new StoreLayout(manifest.Store.Root);
            using var storeLock = StoreAccess.OpenForWriting(layout);
            if (storeLock is null)
            {
                return ExitCodes.StoreUnusable;
            }

            using var serilog = LoggingSetup.Create(parse.GetValue(logFormat));
            using var factory = new SerilogLoggerFactory(serilog);
            var gc = new GarbageCollector(TimeProvider.System, factory.CreateLogger<GarbageCollector>());
            var result = gc.Collect(layout, manifest, parse.GetValue(dryRun));
            var verb = result.DryRun ? "would remove" : "removed";
            foreach (var item in result.Removed)
            {
                parse.InvocationConfiguration.Output.WriteLine($"{verb} {item.What} ({item.Why})");
            }

            foreach (var failure in result.Failures)
            {
                parse.InvocationConfiguration.Error.WriteLine($"could not remove {failure}");
            }

            parse.InvocationConfiguration.Output.WriteLine(
                $"gc: {result.Removed.Count} {(result.DryRun ? "to remove" : "removed")}, {result.Failures.Count} failed, {(result.DryRun ? "would free" : "freed")} {ByteText.Format(result.FreedBytes)} (files shared with kept versions stay)");
            return result.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

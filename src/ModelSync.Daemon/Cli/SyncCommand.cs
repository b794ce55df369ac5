using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Layout;
using ModelSync.Daemon.Logging;
using Serilog;

namespace ModelSync.Daemon.Cli;

/// <summary><c>sync</c>: reconcile once and exit; the one-time setup Job.</summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var logFormat = CommonOptions.LogFormat();
        var node = CommonOptions.Node();
        var command = new Command("sync", "Make the store match the manifest once; exit 0 when every model is Ready.")
        {
            manifestOption, logFormat, node,
        };
        command.SetAction(async (parse, ct) =>
        {
            var manifest = CommonOptions.LoadManifest(parse.GetValue(manifestOption)!);
            if (manifest is null)
            {
                return ExitCodes.Usage;
            }

            using var storeLock = StoreAccess.OpenForWriting(new StoreLayout(manifest.Store.Root));
            if (storeLock is null)
            {
                return ExitCodes.StoreUnusable;
            }

            await using var logger = LoggingSetup.Create(parse.GetValue(logFormat));
            var services = new ServiceCollection()
                .AddLogging(b => b.AddSerilog(logger))
                .AddSyncEngine(manifest, parse.GetValue(node));
            await using var provider = services.BuildServiceProvider();
            var result = await provider.GetRequiredService<Reconciler>().ReconcileAsync(manifest, ct);
            return result.AllReady ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Layout;
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
            // The lock is ours (StoreAccess above), so the inventory may be read now.
            var inventory = provider.GetRequiredService<Func<InventoryState>>()();
            var reconciler = provider.GetRequiredService<Func<InventoryState, Reconciler>>()(inventory);
            var result = await reconciler.ReconcileAsync(manifest, ct);
            return result.AllReady ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

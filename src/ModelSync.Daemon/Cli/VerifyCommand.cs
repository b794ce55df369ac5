using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using ModelSync.Daemon.HubView;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sync;
using ModelSync.Daemon.Verify;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Cli;

/// <summary><c>verify</c>: re-hash every Ready model of the inventory (xxh128 when recorded, else sha256).
/// A damaged model is marked <c>Failed</c>/<c>Corrupted</c> and unpublished (<see cref="CorruptionHandler"/>),
/// so the next <c>run</c> or <c>sync</c> downloads it again. Exit 1 on any problem, 0 when all is intact.
/// While <c>run</c> holds the store lock, the running daemon does it (<see cref="LiveOperation"/>).</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var rootOption = CommonOptions.Root();
        var command = new Command("verify", "Re-hash every Ready model; mark corrupted ones Failed/Corrupted for re-download; exit 1 on corruption.")
        {
            manifestOption, rootOption,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var root = parse.GetValue(rootOption) ?? CommonOptions.LoadManifest(parse.GetValue(manifestOption)!, leaveOutBadFiles: true)?.Store.Root;
            if (root is null)
            {
                return ExitCodes.Usage;
            }

            var layout = new StoreLayout(root);
            var read = InventoryFile.Read(layout);
            if (read.Inventory is not { } onDisk)
            {
                error.WriteLine(read.Error);
                return ExitCodes.StoreUnusable;
            }

            if (!StoreAccess.IsWritable(layout))
            {
                return ExitCodes.StoreUnusable;
            }

            // While run holds the lock, the daemon verifies for us (docs/operations.md, "Live operations").
            using var storeLock = StoreLock.TryAcquire(layout);
            if (storeLock is null)
            {
                return await LiveOperation.AskAsync(layout, LiveOperation.Verify, output, error, ct);
            }

            var lifecycle = ModelLifecycle.Open(layout, onDisk.Node, "verify", TimeProvider.System, NullLoggerFactory.Instance);
            await using var unlimited = new BandwidthLimiter(0);
            var report = await VerifyPass.RunAsync(layout, lifecycle, HubViewWriter.Following(NullLoggerFactory.Instance), unlimited, TimeProvider.System, output.WriteLine, ct);
            lifecycle.Stop();
            return report.Problems == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sync;
using ModelSync.Daemon.Verify;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;
using ModelSync.Daemon.HubView;

namespace ModelSync.Daemon.Cli;

/// <summary><c>verify</c>: re-hash every Ready model of the inventory (xxh128 when recorded, else sha256).
/// A damaged model is marked <c>Failed</c>/<c>Corrupted</c> and unpublished (<see cref="CorruptionHandler"/>),
/// so the next <c>run</c> or <c>sync</c> downloads it again. Exit 1 on any problem, 0 when all is intact.</summary>
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
            var root = parse.GetValue(rootOption) ?? CommonOptions.LoadManifest(parse.GetValue(manifestOption)!)?.Store.Root;
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

            using var storeLock = StoreAccess.OpenForWriting(layout);
            if (storeLock is null)
            {
                return ExitCodes.StoreUnusable;
            }

            var inventory = new InventoryState(layout, onDisk.Node, TimeProvider.System, NullLogger<InventoryState>.Instance);
            await using var unlimited = new BandwidthLimiter(0);
            var problemsFound = 0;
            foreach (var entry in inventory.Snapshot().Models)
            {
                if (entry.State != ModelState.Ready)
                {
                    output.WriteLine($"skip    {entry.Name}@{entry.Version}: {entry.State}");
                    continue;
                }

                var outcome = await CorruptionHandler.VerifyAndRecordAsync(layout, inventory, entry, unlimited, TimeProvider.System.GetUtcNow(), ct);
                if (outcome.Problems.Count == 0)
                {
                    output.WriteLine($"OK      {entry.Name}@{entry.Version} ({CountText.Of(entry.Files.Count, "file")}, {ByteText.Format(entry.Bytes)})");
                    continue;
                }

                problemsFound += outcome.Problems.Count;
                foreach (var problem in outcome.Problems)
                {
                    output.WriteLine($"PROBLEM {problem}");
                }

                if (outcome.MarkedCorrupted)
                {
                    output.WriteLine($"marked  {entry.Name}@{entry.Version} Failed/Corrupted; the next sync fetches its damaged files again");
                }

                foreach (var other in outcome.Condemned.Skip(1))
                {
                    output.WriteLine($"marked  {other} condemned too: it shares the damaged content");
                }
            }

            // Condemned versions leave hub/, and a view someone altered is remade from the markers. verify only prints.
            HubViewWriter.Refresh(layout, NullLogger.Instance);
            output.WriteLine(problemsFound == 0 ? "verify: all ready models intact" : $"verify: {CountText.Of(problemsFound, "problem")}");
            return problemsFound == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

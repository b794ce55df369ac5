using ModelSync.Gate.Cli;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Commands;

/// <summary>One look at the store: the inventory as read, or why it could not be, and the validation.</summary>
internal sealed record ProbeResult(StoreInventory? Inventory, string? StoreError, ValidationReport? Report)
{
    /// <summary>Whether the inventory's writer is alive; null without an inventory.</summary>
    public WriterStatus? Writer { get; init; }

    public bool IsValid => Report?.IsValid == true;
}

/// <summary>Reads the inventory and validates it against the disk.</summary>
internal static class StoreProbe
{
    // The daemon renames a complete file over the inventory, so a read sees one whole version. These
    // retries cover writers that do not (a person with an editor, a copy tool) and a missing file that
    // is about to appear: a failed read is only reported if it persists across the attempts.
    private const int ReadAttempts = 4;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    public static ProbeResult Run(GateOptions options, CancellationToken ct) => Run(options, TimeProvider.System, ct);

    /// <param name="time">The clock a writer's heartbeat is judged by.</param>
    public static ProbeResult Run(GateOptions options, TimeProvider time, CancellationToken ct)
    {
        var layout = new StoreLayout(options.Root);
        var read = ReadInventory(layout, ct);
        if (read.Inventory is not { } inventory)
        {
            return new(null, read.Error, null);
        }

        // Without --require, every listed model but the on-demand ones: those are there for the pods that name them.
        var requirements = options.Requirements ?? [.. inventory.Models.Where(m => !m.OnDemand).Select(m => new ModelRequirement(m.Name, null))];
        var report = StoreValidator.Validate(layout, inventory, requirements, options.Verify, ct, options.RequireSigned);
        return new(inventory, null, report) { Writer = WriterCheck.Check(layout, inventory, time.GetUtcNow()) };
    }

    private static InventoryReadResult ReadInventory(StoreLayout layout, CancellationToken ct)
    {
        var result = InventoryFile.Read(layout, quick: true);
        for (var attempt = 1; attempt < ReadAttempts && result.Inventory is null; attempt++)
        {
            if (ct.WaitHandle.WaitOne(RetryDelay))
            {
                break;
            }

            result = InventoryFile.Read(layout, quick: true);
        }

        return result;
    }
}

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Inventory;

/// <summary>
/// Writes <c>inventory.json</c> (atomic replace) and says when it cannot: once per cause and without a stack trace
/// (a full disk fails every progress tick and heartbeat; it is the disk, not a bug), and once when it works again.
/// The caller keeps the state in memory; the next write tries again.
/// </summary>
internal sealed class InventoryFileWriter(StoreLayout layout, ILogger logger)
{
    private string? _failing;
    private string? _liveFailing;

    /// <summary>The live file (heartbeat and progress); a failure is said once per cause, as for the inventory.</summary>
    public void WriteLive(LiveState state)
    {
        try
        {
            LiveFile.Write(layout, state);
            _liveFailing = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var cause = CauseOf(ex);
            if (_liveFailing != cause)
            {
                Log.InventoryWriteFailed(logger, layout.LivePath, cause);
                _liveFailing = cause;
            }
        }
    }

    public void Write(StoreInventory document)
    {
        try
        {
            InventoryFile.Write(layout, document);
            if (_failing is not null)
            {
                Log.InventoryWriteRecovered(logger, layout.InventoryPath);
                _failing = null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var cause = CauseOf(ex);
            if (_failing != cause)
            {
                Log.InventoryWriteFailed(logger, layout.InventoryPath, cause);
                _failing = cause;
            }
        }
    }

    /// <summary>The message without the file it names (each write goes through another temporary file).</summary>
    private static string CauseOf(Exception ex) =>
        ex.Message.IndexOf(" : '", StringComparison.Ordinal) is var at and > 0 ? ex.Message[..at] : ex.Message;
}

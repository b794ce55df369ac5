using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Inventory;

/// <summary>
/// Writes <c>inventory.json</c> and the live file (atomic replace) and says when it cannot: once per cause and without a stack trace
/// (a full disk fails every progress tick and heartbeat; it is the disk, not a bug), and once when it works again.
/// The caller keeps the state in memory; the next write tries again.
/// </summary>
internal sealed class InventoryFileWriter(StoreLayout layout, ILogger logger)
{
    private string? _failing;
    private string? _liveFailing;

    public void Write(StoreInventory document) => Attempt(layout.InventoryPath, () => InventoryFile.Write(layout, document), ref _failing);

    /// <summary>The live file (heartbeat and progress), said alike.</summary>
    public void WriteLive(LiveState state) => Attempt(layout.LivePath, () => LiveFile.Write(layout, state), ref _liveFailing);

    private void Attempt(string path, Action write, ref string? failing)
    {
        try
        {
            write();
            if (failing is not null)
            {
                Log.InventoryWriteRecovered(logger, path);
                failing = null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var cause = CauseOf(ex);
            if (failing != cause)
            {
                Log.InventoryWriteFailed(logger, path, cause);
                failing = cause;
            }
        }
    }

    /// <summary>The message without the file it names (each write goes through another temporary file).</summary>
    private static string CauseOf(Exception ex) =>
        ex.Message.IndexOf(" : '", StringComparison.Ordinal) is var at and > 0 ? ex.Message[..at] : ex.Message;
}

using System.Text.Json;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Inventory;

/// <summary>
/// <c>.modelsync/live.json</c>: what changes every few seconds while the inventory does not, so the inventory (2.4 MB
/// at 1,000 models, parsed by every waiting gate) is rewritten only when a model's state changes. The writer's
/// heartbeat and the progress of its downloads, named by the writer they belong to.
/// </summary>
public sealed record LiveState
{
    public required int Pid { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset HeartbeatAt { get; init; }

    public IReadOnlyList<LiveProgress> Models { get; init; } = [];
}

/// <summary>A download in progress: the model, the version it fetches, how far it is.</summary>
public sealed record LiveProgress(string Name, string Version, ModelProgress Progress);

/// <summary>Writes the live file, and lays it over an inventory read (<see cref="InventoryFile.Read(StoreLayout)"/>).</summary>
public static class LiveFile
{
    public static void Write(StoreLayout layout, LiveState state) =>
        AtomicFile.WriteJson(layout.LivePath, state, StoreJsonContext.Default.LiveState, durable: false);

    /// <summary>Null when absent or unreadable: it is a hint, and the inventory stands without it.</summary>
    public static LiveState? TryRead(StoreLayout layout)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(layout.LivePath), StoreJsonContext.Default.LiveState);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The inventory with the live file's newer heartbeat and progress, when both come from the same writer (pid and
    /// start) and it has not stopped: another writer's file, or one left by a writer that stopped cleanly (its stop
    /// wrote the inventory), changes nothing. Progress goes only to a model Downloading the same version, and only
    /// when it is further than what the inventory says.
    /// </summary>
    public static StoreInventory Overlay(StoreInventory inventory, LiveState? live)
    {
        if (live is null || inventory.Writer is not { StoppedAt: null } writer || writer.Pid != live.Pid || writer.StartedAt != live.StartedAt)
        {
            return inventory;
        }

        // Only a hint: entries the daemon would not write (no name, no progress, a name twice) are passed over.
        var progress = new Dictionary<string, LiveProgress>(StringComparer.Ordinal);
        foreach (var entry in live.Models ?? [])
        {
            if (entry is { Name: not null, Version: not null, Progress: not null })
            {
                progress.TryAdd(entry.Name, entry);
            }
        }

        var models = inventory.Models;
        if (progress.Count > 0)
        {
            models = [.. models.Select(m => m.State == ModelState.Downloading && progress.TryGetValue(m.Name, out var p) && p.Version == m.Version
                && p.Progress.BytesDone >= (m.Progress?.BytesDone ?? 0) // an inventory written since is newer
                ? m with { Progress = p.Progress }
                : m)];
        }

        return inventory with
        {
            Writer = live.HeartbeatAt > writer.HeartbeatAt ? writer with { HeartbeatAt = live.HeartbeatAt } : writer,
            Models = models,
        };
    }
}

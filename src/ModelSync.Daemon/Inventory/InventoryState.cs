using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Inventory;

/// <summary>
/// The daemon's in-memory inventory and its only writer. Every state change is written at once
/// (atomic replace, generation + 1); progress only every <see cref="ProgressWriteInterval"/>, so a
/// fast download does not turn into an fsync storm. Live progress is always in <see cref="Snapshot"/>.
/// </summary>
internal sealed class InventoryState
{
    public static readonly TimeSpan ProgressWriteInterval = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly StoreLayout _layout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string? _node;
    private readonly List<ModelEntry> _models;
    private long _generation;
    private long _lastWriteTicks;

    public InventoryState(StoreLayout layout, string? node, TimeProvider time, ILogger<InventoryState> logger)
    {
        _layout = layout;
        _node = node;
        _time = time;
        _logger = logger;
        var read = InventoryFile.Read(layout);
        var inventory = read.Inventory;
        if (inventory is null)
        {
            // Generations must keep rising across a rebuild, or a reader comparing them misses the change.
            var now = time.GetUtcNow();
            inventory = InventoryRebuilder.Rebuild(layout, node, now, generation: now.ToUnixTimeMilliseconds());
            if (File.Exists(layout.InventoryPath))
            {
                Log.InventoryRebuilt(logger, layout.InventoryPath, read.Error!);
            }
        }

        _models = [.. inventory.Models];
        _generation = inventory.Generation;
    }

    public StoreInventory Snapshot()
    {
        lock (_lock)
        {
            return new StoreInventory { Generation = _generation, WrittenAt = _time.GetUtcNow(), Node = _node, Models = [.. _models] };
        }
    }

    public ModelEntry? Find(string name)
    {
        lock (_lock)
        {
            return _models.Find(m => m.Name == name);
        }
    }

    /// <summary>Adds or replaces the entry of <paramref name="entry"/>'s name and writes the inventory.</summary>
    public void Set(ModelEntry entry) => Mutate(models =>
    {
        var index = models.FindIndex(m => m.Name == entry.Name);
        if (index < 0)
        {
            models.Add(entry);
        }
        else
        {
            models[index] = entry;
        }
    });

    public void Update(string name, Func<ModelEntry, ModelEntry> change) => Mutate(models =>
    {
        var index = models.FindIndex(m => m.Name == name);
        if (index >= 0)
        {
            models[index] = change(models[index]);
        }
    });

    /// <summary>Applies <paramref name="change"/> to every entry in one write (not one write per entry).</summary>
    public void UpdateAll(Func<ModelEntry, ModelEntry> change) => Mutate(models =>
    {
        for (var i = 0; i < models.Count; i++)
        {
            models[i] = change(models[i]);
        }
    });

    /// <summary>Drops entries of models no longer wanted; their files are left to GC.</summary>
    public void RetainOnly(IReadOnlyCollection<string> names) => Mutate(models => models.RemoveAll(m => !names.Contains(m.Name)));

    public void ReportProgress(string name, long bytesDone, long bytesTotal)
    {
        bool write;
        lock (_lock)
        {
            var index = _models.FindIndex(m => m.Name == name);
            if (index < 0)
            {
                return;
            }

            _models[index] = _models[index] with { Progress = new ModelProgress(bytesDone, bytesTotal) };
            write = _time.GetElapsedTime(_lastWriteTicks) >= ProgressWriteInterval;
        }

        if (write)
        {
            Mutate(_ => { });
        }
    }

    /// <summary>Writes the current state now, e.g. on shutdown so the last progress is on disk.</summary>
    public void Flush() => Mutate(_ => { });

    private void Mutate(Action<List<ModelEntry>> change)
    {
        lock (_lock)
        {
            change(_models);
            _models.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            _generation++;
            _lastWriteTicks = _time.GetTimestamp();
            try
            {
                InventoryFile.Write(_layout, new StoreInventory { Generation = _generation, WrittenAt = _time.GetUtcNow(), Node = _node, Models = [.. _models] });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The in-memory state stays right; the next change tries again.
                Log.InventoryWriteFailed(_logger, ex);
            }
        }
    }
}

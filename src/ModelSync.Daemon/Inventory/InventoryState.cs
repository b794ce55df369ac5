using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Inventory;

/// <summary>
/// The daemon's in-memory inventory and its only writer. Every state change is written at once
/// (atomic replace, generation + 1); progress only every <see cref="ProgressWriteInterval"/>, so a
/// fast download does not turn into an fsync storm. Live progress is always in <see cref="Snapshot"/>.
/// Every write names the writer (<see cref="WriterInfo"/>) and beats its heartbeat; <see cref="StartHeartbeat"/>
/// keeps beating while nothing else is written, so readers can tell silence from a gone writer.
/// </summary>
internal sealed class InventoryState
{
    public static readonly TimeSpan ProgressWriteInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often an idle writer rewrites the inventory (only <c>writer.heartbeatAt</c> moves).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly Lock _lock = new();
    private readonly StoreLayout _layout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string? _node;
    private readonly List<ModelEntry> _models;
    private readonly WriterInfo _writer;
    private DateTimeOffset? _stoppedAt;
    private long _generation;
    private long _lastWriteTicks;
    private string? _writeFailing;

    /// <param name="mode">What the writer is, for readers: <c>run</c>, <c>sync</c>, <c>verify</c>, ...</param>
    public InventoryState(StoreLayout layout, string? node, TimeProvider time, ILogger<InventoryState> logger, string mode = "run")
    {
        _layout = layout;
        _node = node;
        _time = time;
        _logger = logger;
        _writer = new WriterInfo { Pid = Environment.ProcessId, Host = Environment.MachineName, Mode = mode, StartedAt = time.GetUtcNow() };
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
            return Document(_time.GetUtcNow());
        }
    }

    private StoreInventory Document(DateTimeOffset now) => new()
    {
        Generation = _generation,
        WrittenAt = now,
        Node = _node,
        Writer = _writer with { HeartbeatAt = now, StoppedAt = _stoppedAt },
        Models = [.. _models],
    };

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

    public void ReportProgress(string name, ModelProgress progress)
    {
        bool write;
        lock (_lock)
        {
            var index = _models.FindIndex(m => m.Name == name);
            if (index < 0)
            {
                return;
            }

            _models[index] = _models[index] with { Progress = progress };
            write = _time.GetElapsedTime(_lastWriteTicks) >= ProgressWriteInterval;
        }

        if (write)
        {
            Mutate(_ => { });
        }
    }

    /// <summary>Writes the current state now, e.g. on shutdown so the last progress is on disk.</summary>
    public void Flush() => Mutate(_ => { });

    /// <summary>Beats the heartbeat every <see cref="HeartbeatInterval"/> while nothing else wrote; dispose to stop.</summary>
    public ITimer StartHeartbeat() => _time.CreateTimer(_ => Heartbeat(), null, HeartbeatInterval, HeartbeatInterval);

    /// <summary>Writes when nothing was written for a heartbeat interval.</summary>
    public void Heartbeat()
    {
        lock (_lock)
        {
            if (_stoppedAt is null && _time.GetElapsedTime(_lastWriteTicks) >= HeartbeatInterval)
            {
                Mutate(_ => { });
            }
        }
    }

    /// <summary>The writer stops (SIGTERM, the end of a one-shot verb): downloads cut short become
    /// <see cref="ModelEntries.Interrupted"/>, and <c>writer.stoppedAt</c> says the stop was clean.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stoppedAt = _time.GetUtcNow();
            Mutate(models =>
            {
                for (var i = 0; i < models.Count; i++)
                {
                    models[i] = ModelEntries.Interrupted(models[i]);
                }
            });
        }
    }

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
                InventoryFile.Write(_layout, Document(_time.GetUtcNow()));
                if (_writeFailing is not null)
                {
                    Log.InventoryWriteRecovered(_logger, _layout.InventoryPath);
                    _writeFailing = null;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The in-memory state stays right and the next change tries again. Said once per cause (a full
                // disk fails every progress tick and heartbeat), without a stack trace: it is the disk, not a bug.
                var cause = CauseOf(ex);
                if (_writeFailing != cause)
                {
                    Log.InventoryWriteFailed(_logger, _layout.InventoryPath, cause);
                    _writeFailing = cause;
                }
            }
        }
    }

    /// <summary>The message without the file it names (each write goes through another temporary file).</summary>
    private static string CauseOf(Exception ex) =>
        ex.Message.IndexOf(" : '", StringComparison.Ordinal) is var at and > 0 ? ex.Message[..at] : ex.Message;
}

using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Inventory;

/// <summary>
/// The daemon's in-memory inventory and its only writer (the entries themselves change only through
/// <see cref="Lifecycle.ModelLifecycle"/>). A change after a quiet moment is written at once (atomic replace,
/// generation + 1); the changes that follow it within <see cref="WriteDelay"/> are written together at its end, so a
/// pass that changes hundreds of models writes and fsyncs a few times, not once per model. A change that changes nothing
/// writes nothing. Progress and the heartbeat go to the live file (<see cref="LiveFile"/>, a few hundred bytes, not
/// fsynced): progress at most every <see cref="ProgressWriteInterval"/>, the heartbeat every
/// <see cref="HeartbeatInterval"/>, so the inventory every waiting gate parses changes only when a model's state does.
/// Live state is always in <see cref="Snapshot"/>. Every write names the writer (<see cref="WriterInfo"/>).
/// </summary>
internal sealed class InventoryState : IInventoryReader
{
    public static readonly TimeSpan ProgressWriteInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long a change waits for the others of its batch before they are written together: at least this,
    /// and longer as writes cost more (<see cref="BatchDelay"/>).</summary>
    public static readonly TimeSpan WriteDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>A batch lasts at least this many times what the last write took, so writing the file takes at most
    /// ~5% of a busy pass: a 1,000-model inventory is ~2 MB, and a write per 100 ms was a write per model.</summary>
    public const int BatchPerWriteCost = 20;

    /// <summary>How often the writer beats its heartbeat in the live file, busy or idle.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly string? _node;
    private readonly List<ModelEntry> _models;
    private readonly WriterInfo _writer;
    private DateTimeOffset? _stoppedAt;
    private long _generation;
    private long _lastWriteTicks;
    private long _lastLiveTicks;
    private bool _wroteOnce;
    private TimeSpan _lastWriteCost;
    private readonly InventoryFileWriter _file;
    private ITimer? _scheduled;
    private bool _dirty;

    /// <summary>The file says what this writer would write at a stop: nobody has to (a no-op <c>sync</c>).</summary>
    private bool _fileCurrent;

    /// <param name="mode">What the writer is, for readers: <c>run</c>, <c>sync</c>, <c>verify</c>, ...</param>
    public InventoryState(StoreLayout layout, string? node, TimeProvider time, ILogger<InventoryState> logger, string mode = "run")
    {
        _node = node;
        _time = time;
        _file = new InventoryFileWriter(layout, logger);
        _writer = new WriterInfo { Pid = Environment.ProcessId, Host = Environment.MachineName, Mode = mode, StartedAt = time.GetUtcNow() };
        var inventory = InventoryLoad.Read(layout, node, time, logger);
        _models = [.. inventory.Models];
        _models.Sort(ByName);
        _generation = inventory.Generation;
        // Only a file a previous writer stopped cleanly may be left as it is; a rebuilt one (no writer) must be
        // written, and one whose writer was killed is marked as taken over.
        _fileCurrent = inventory.Writer?.StoppedAt is not null;
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

    /// <summary>The on-demand models of the manifest in force: their entries say <c>onDemand</c>, whoever writes them,
    /// so a gate refuses to pass on one without a pin (docs/gate.md, "On-demand models").</summary>
    public void OnDemand(IReadOnlySet<string> names)
    {
        Volatile.Write(ref _onDemand, names);
        UpdateAll(e => e.OnDemand == names.Contains(e.Name) ? e : e with { OnDemand = !e.OnDemand });
    }

    private IReadOnlySet<string> _onDemand = new HashSet<string>();

    /// <summary>Adds or replaces the entry of <paramref name="entry"/>'s name.</summary>
    public void Set(ModelEntry entry) => Mutate(models =>
    {
        entry = entry with { OnDemand = Volatile.Read(ref _onDemand).Contains(entry.Name) };
        var index = models.FindIndex(m => m.Name == entry.Name);
        if (index < 0)
        {
            // In name order, as it is written: sorting the whole list after every change was n log n per model.
            var at = models.FindIndex(m => string.CompareOrdinal(m.Name, entry.Name) > 0);
            models.Insert(at < 0 ? models.Count : at, entry);
        }
        else if (models[index] == entry)
        {
            return false;
        }
        else
        {
            models[index] = entry;
        }

        return true;
    });

    /// <summary>Replaces the entry named <paramref name="name"/> with what <paramref name="change"/> makes of it
    /// (the same entry: no change).</summary>
    public void Update(string name, Func<ModelEntry, ModelEntry> change) => Mutate(models =>
    {
        var index = models.FindIndex(m => m.Name == name);
        return index >= 0 && Replace(models, index, change);
    });

    /// <summary>Applies <paramref name="change"/> to every entry in one write (not one write per entry).</summary>
    public void UpdateAll(Func<ModelEntry, ModelEntry> change) => Mutate(models =>
    {
        var changed = false;
        for (var i = 0; i < models.Count; i++)
        {
            changed |= Replace(models, i, change);
        }

        return changed;
    });

    /// <summary>Drops entries of models no longer wanted; their files are left to GC.</summary>
    public void RetainOnly(IReadOnlyCollection<string> names) => Mutate(models => models.RemoveAll(m => !names.Contains(m.Name)) > 0);

    public void ReportProgress(string name, ModelProgress progress)
    {
        lock (_lock)
        {
            var index = _models.FindIndex(m => m.Name == name);
            if (index < 0 || _models[index].State is not (ModelState.Pending or ModelState.Downloading))
            {
                return;
            }

            _models[index] = _models[index] with { Progress = progress };
            _dirty = true; // carried by the next write of the inventory, whatever causes it
            if (_time.GetElapsedTime(_lastLiveTicks) >= ProgressWriteInterval)
            {
                WriteLive();
            }
        }
    }

    /// <summary>Writes what changed now: the end of a pass, a verb about to return, a shutdown.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            if (_dirty)
            {
                Write();
            }
        }
    }

    /// <summary>Beats the heartbeat every <see cref="HeartbeatInterval"/>; dispose to stop.</summary>
    public ITimer StartHeartbeat() => _time.CreateTimer(_ => Heartbeat(), null, HeartbeatInterval, HeartbeatInterval);

    /// <summary>The live file with the time, so readers can tell a quiet writer from a gone one.</summary>
    public void Heartbeat()
    {
        lock (_lock)
        {
            if (_stoppedAt is null && !_wroteOnce)
            {
                // The file still names the writer before this one (a restart over a store that needed nothing):
                // readers would take that writer's stop or silence for this one's, and the live file is not laid
                // over another writer's inventory.
                Write();
            }
            else if (_stoppedAt is null)
            {
                WriteLive();
            }
        }
    }

    private void WriteLive()
    {
        var now = _time.GetUtcNow();
        _file.WriteLive(new LiveState
        {
            Pid = _writer.Pid,
            StartedAt = _writer.StartedAt,
            HeartbeatAt = now,
            Models = [.. _models.Where(m => m is { State: ModelState.Downloading, Progress: not null }).Select(m => new LiveProgress(m.Name, m.Version, m.Progress!))],
        });
        _lastLiveTicks = _time.GetTimestamp();
    }

    /// <summary>The writer stops (SIGTERM, the end of a one-shot verb): downloads cut short become
    /// <see cref="ModelEntries.Interrupted"/>, and <c>writer.stoppedAt</c> says the stop was clean.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stoppedAt = _time.GetUtcNow();
            var changed = false;
            for (var i = 0; i < _models.Count; i++)
            {
                changed |= Replace(_models, i, ModelEntries.Interrupted);
            }

            // A verb that changed nothing leaves the file as the last clean stop wrote it: a no-op `sync` of
            // 1,000 models would otherwise rewrite and fsync 1.8 MB to say only that it ran.
            if (changed || _dirty || !_fileCurrent)
            {
                Write();
            }
        }
    }

    private static bool Replace(List<ModelEntry> models, int index, Func<ModelEntry, ModelEntry> change)
    {
        var (was, now) = (models[index], change(models[index]));
        models[index] = now;
        return now != was;
    }

    private void Mutate(Func<List<ModelEntry>, bool> change)
    {
        lock (_lock)
        {
            if (!change(_models))
            {
                return;
            }

            _dirty = true;
            var delay = BatchDelay(_lastWriteCost);
            if (_scheduled is null && _time.GetElapsedTime(_lastWriteTicks) >= delay)
            {
                Write(); // the first change after a quiet moment: readers (the gate) see it at once
                return;
            }

            _scheduled ??= _time.CreateTimer(_ => Flush(), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    private static int ByName(ModelEntry a, ModelEntry b) => string.CompareOrdinal(a.Name, b.Name);

    /// <summary>The batch after a write that took <paramref name="writeCost"/>: never past the progress interval,
    /// so a reader waits no longer for a state change than for progress.</summary>
    internal static TimeSpan BatchDelay(TimeSpan writeCost) =>
        TimeSpan.FromTicks(Math.Clamp(writeCost.Ticks * BatchPerWriteCost, WriteDelay.Ticks, ProgressWriteInterval.Ticks));

    private void Write()
    {
        _wroteOnce = true;
        _fileCurrent = false;
        _scheduled?.Dispose();
        _scheduled = null;
        _dirty = false;
        _generation++;
        _lastWriteTicks = _time.GetTimestamp();
        _file.Write(Document(_time.GetUtcNow()));
        _lastWriteCost = _time.GetElapsedTime(_lastWriteTicks);
    }
}

using System.Text.Json.Serialization;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Placement;

/// <summary>One on-demand model's use on this node: when a pod last asked for it, and when it was last used (asked
/// for, waited for, or found pinned by a look).</summary>
internal sealed record OnDemandUse(DateTimeOffset? RequestedAt, DateTimeOffset LastUsedAt);

/// <summary>What <c>.modelsync/on-demand.json</c> holds: the book, kept across restarts.</summary>
internal sealed record OnDemandFile(int SchemaVersion, Dictionary<string, OnDemandUse> Models);

/// <summary>
/// The one owner of what the daemon knows of on-demand models' use (docs/manifest.md, "On demand"): requests,
/// gates still waiting, pins seen, evictions. A model is wanted on this node while a gate waits for it, while a
/// version of it is pinned, and for <c>keepAfterLastUse</c> after its last use; placement asks
/// <see cref="Wanted"/>. Written to <c>.modelsync/on-demand.json</c> when it changes, so a restart neither forgets
/// a model in use nor keeps an unused one for ever.
/// </summary>
internal sealed class OnDemandBook
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, OnDemandUse> _uses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _waiting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pinned = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private string? _path;
    private DateTimeOffset _savedAt;
    private bool _unsaved;

    /// <summary>Repeated asks and ends of waits are written at most this often: a pod asking in a loop must not
    /// turn into an fsync per line (the first ask, pins and evictions are written at once).</summary>
    public static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(10);

    public OnDemandBook(TimeProvider time) => _time = time;

    /// <summary>Reads the book of <paramref name="layout"/>'s store (once, at the first pass); a missing or unreadable
    /// file starts empty.</summary>
    public void Open(StoreLayout layout)
    {
        lock (_lock)
        {
            if (_path is not null)
            {
                return;
            }

            _path = layout.OnDemandPath;
            try
            {
                var file = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(_path), OnDemandJsonContext.Default.OnDemandFile);
                foreach (var (name, use) in file?.Models ?? [])
                {
                    _uses[name] = use;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                // Absent on a new store; a damaged one costs at most a refetch (models on disk are kept, see Held).
            }
        }
    }

    /// <summary>A pod asked for <paramref name="name"/> and waits: true when it was not wanted before (a fetch starts).</summary>
    public bool Asked(string name, TimeSpan keep)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var before = WantedLocked(name, keep, now);
            _uses[name] = new OnDemandUse(now, now);
            _waiting[name] = _waiting.GetValueOrDefault(name) + 1;
            Save(force: !before);
            return !before;
        }
    }

    /// <summary>A gate that asked stopped waiting (told Ready, gone): its use ends now.</summary>
    public void StoppedWaiting(string name)
    {
        lock (_lock)
        {
            if (_waiting.TryGetValue(name, out var n))
            {
                if (n <= 1) _waiting.Remove(name); else _waiting[name] = n - 1;
            }

            _uses[name] = (_uses.TryGetValue(name, out var u) ? u : new OnDemandUse(null, default)) with { LastUsedAt = _time.GetUtcNow() };
            Save(force: false);
        }
    }

    /// <summary>A look at the pins of the on-demand models on disk: a pinned one is in use now.</summary>
    public void PinsSeen(IReadOnlyDictionary<string, bool> pinnedByModel)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            _pinned.Clear();
            var changed = false;
            foreach (var (name, pinned) in pinnedByModel)
            {
                if (pinned)
                {
                    _pinned.Add(name);
                    _uses[name] = (_uses.TryGetValue(name, out var u) ? u : new OnDemandUse(null, now)) with { LastUsedAt = now };
                    changed = true;
                }
                else if (!_uses.ContainsKey(name))
                {
                    // On disk and never seen by this book (a lost file, an older daemon): its clock starts now.
                    _uses[name] = new OnDemandUse(null, now);
                    changed = true;
                }
            }

            if (changed || _unsaved)
            {
                Save();
            }
        }
    }

    public bool Wanted(string name, TimeSpan keep)
    {
        lock (_lock)
        {
            return WantedLocked(name, keep, _time.GetUtcNow());
        }
    }

    /// <summary>Forgets the model's use (evicted under pressure, or dropped): it is not wanted until asked again.</summary>
    public void Evicted(string name)
    {
        lock (_lock)
        {
            if (_uses.Remove(name))
            {
                Save();
            }
        }
    }

    public OnDemandUse? Use(string name)
    {
        lock (_lock)
        {
            return _uses.GetValueOrDefault(name);
        }
    }

    public int Waiting(string name)
    {
        lock (_lock)
        {
            return _waiting.GetValueOrDefault(name);
        }
    }

    public bool Pinned(string name)
    {
        lock (_lock)
        {
            return _pinned.Contains(name);
        }
    }

    private bool WantedLocked(string name, TimeSpan keep, DateTimeOffset now) =>
        _waiting.ContainsKey(name) || _pinned.Contains(name) || (_uses.TryGetValue(name, out var u) && now - u.LastUsedAt < keep);

    private void Save(bool force = true)
    {
        if (_path is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (!force && now - _savedAt < SaveEvery)
        {
            _unsaved = true; // written with the next change, or by the next pass's look at the pins
            return;
        }

        (_savedAt, _unsaved) = (now, false);

        try
        {
            AtomicFile.WriteJson(_path, new OnDemandFile(1, new Dictionary<string, OnDemandUse>(_uses, StringComparer.Ordinal)), OnDemandJsonContext.Default.OnDemandFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // In memory it is still right; the next change writes it again.
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(OnDemandFile))]
internal sealed partial class OnDemandJsonContext : JsonSerializerContext;

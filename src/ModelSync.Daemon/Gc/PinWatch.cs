using ModelSync.Store.Text;

namespace ModelSync.Daemon.Gc;

/// <summary>Why GC keeps a version it would otherwise remove.</summary>
internal sealed record PinHold(string Why);

/// <summary>
/// What the daemon has seen of pins (docs/store-format.md, "Pins"), kept in memory by the one
/// <see cref="GarbageCollector"/> of a process. The daemon cannot see other pods' processes: a version is
/// "pinned" when its exclusive flock is refused at a GC's look, and "unpinned since" is the first look that found
/// it free after one that found it pinned. Such a version is held until it has been seen unpinned for
/// <c>store.pinGrace</c>, which covers a holder's container restart. A version never seen pinned (in this
/// process) is not held: a fresh <c>gc</c> verb or a restarted daemon starts with no such memory.
/// </summary>
internal sealed class PinWatch(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly HashSet<string> _seenPinned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _unpinnedSince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeenPinned = new(StringComparer.Ordinal);

    /// <summary>Records one look at every version (<paramref name="pinned"/>: relative path → pinned now) and
    /// returns the versions GC must keep, with why. Versions not in the look are forgotten.</summary>
    public IReadOnlyDictionary<string, PinHold> Look(IReadOnlyDictionary<string, bool> pinned, TimeSpan grace)
    {
        var now = time.GetUtcNow();
        var held = new Dictionary<string, PinHold>(StringComparer.Ordinal);
        lock (_gate)
        {
            _seenPinned.RemoveWhere(v => !pinned.ContainsKey(v));
            foreach (var gone in _lastSeenPinned.Keys.Where(v => !pinned.ContainsKey(v)).ToList())
            {
                _lastSeenPinned.Remove(gone);
            }

            foreach (var gone in _unpinnedSince.Keys.Where(v => !pinned.ContainsKey(v)).ToList())
            {
                _unpinnedSince.Remove(gone);
            }

            foreach (var (version, isPinned) in pinned)
            {
                if (isPinned)
                {
                    _lastSeenPinned[version] = now;
                    _seenPinned.Add(version);
                    _unpinnedSince.Remove(version);
                    held[version] = new PinHold("pinned");
                    continue;
                }

                if (!_seenPinned.Contains(version))
                {
                    continue;
                }

                var since = _unpinnedSince.TryGetValue(version, out var at) ? at : _unpinnedSince[version] = now;
                var released = now - since;
                if (released < grace)
                {
                    held[version] = new PinHold($"pin released {DurationText.Format(released)} ago, within store.pinGrace {DurationText.Format(grace)}");
                }
                else
                {
                    // Gone past the grace: forget it; GC removes it now.
                    _seenPinned.Remove(version);
                    _unpinnedSince.Remove(version);
                }
            }
        }

        return held;
    }

    /// <summary>When a look (or a refused removal) last found <paramref name="version"/> pinned, in this process: its
    /// last use as far as the daemon can tell (a holder's own reads are invisible to it).</summary>
    public DateTimeOffset? LastSeenPinned(string version)
    {
        lock (_gate)
        {
            return _lastSeenPinned.TryGetValue(version, out var at) ? at : null;
        }
    }

    /// <summary>A version GC just found pinned at its removal (the lock was refused): hold it from now.</summary>
    public void SeenPinned(string version)
    {
        lock (_gate)
        {
            _seenPinned.Add(version);
            _unpinnedSince.Remove(version);
            _lastSeenPinned[version] = time.GetUtcNow();
        }
    }
}

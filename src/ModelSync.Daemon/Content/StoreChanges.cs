using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Content;

/// <summary>
/// The one signal that what the store holds changed: a publication or a <c>current</c> switch, a GC, a
/// condemnation, a rebuild at start, a verify. Whoever changes the store raises it; whatever is derived from the
/// store (the hub view) subscribes, once, at the composition root. Subscribers run on the raiser's thread and
/// handle their own failures. A raiser that knows which models changed says so, and a subscriber that can
/// refreshes those alone (a pass over a thousand models must not rederive the store a thousand times).
/// </summary>
internal sealed class StoreChanges
{
    private readonly Lock _lock = new();
    private Action<StoreLayout, IReadOnlyCollection<string>?>[] _subscribers = [];

    public void Subscribe(Action<StoreLayout> onChange) => Subscribe((layout, _) => onChange(layout));

    /// <param name="onChange">Told the store and the models that changed, or null when anything may have.</param>
    public void Subscribe(Action<StoreLayout, IReadOnlyCollection<string>?> onChange)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onChange];
        }
    }

    /// <summary>Anything in the store may have changed.</summary>
    public void Raise(StoreLayout layout) => Raise(layout, null);

    /// <param name="models">The models whose published versions or <c>current</c> changed; null: anything may have.</param>
    public void Raise(StoreLayout layout, IReadOnlyCollection<string>? models)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber(layout, models);
        }
    }
}

using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Content;

/// <summary>
/// The one signal that what the store holds changed: a publication or a <c>current</c> switch, a GC, a
/// condemnation, a rebuild at start, a verify. Whoever changes the store raises it; whatever is derived from the
/// store (the hub view) subscribes, once, at the composition root. Subscribers run on the raiser's thread and
/// handle their own failures.
/// </summary>
internal sealed class StoreChanges
{
    private readonly Lock _lock = new();
    private Action<StoreLayout>[] _subscribers = [];

    public void Subscribe(Action<StoreLayout> onChange)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onChange];
        }
    }

    public void Raise(StoreLayout layout)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber(layout);
        }
    }
}

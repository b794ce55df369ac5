using ModelSync.Daemon.Content;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Content;

public sealed class StoreChangesTests
{
    [Fact]
    public void Raise_TwoSubscribers_EachToldOnceWithTheStore()
    {
        var changes = new StoreChanges();
        var told = new List<string>();
        changes.Subscribe(l => told.Add("hub " + l.Root));
        changes.Subscribe(l => told.Add("pins " + l.Root));

        changes.Raise(new StoreLayout("/s"));

        Assert.Equal(["hub /s", "pins /s"], told);
    }

    [Fact]
    public void Raise_NoSubscriber_NothingHappens() => new StoreChanges().Raise(new StoreLayout("/s"));
}

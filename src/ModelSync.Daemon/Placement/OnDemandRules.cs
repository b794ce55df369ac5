using ModelSync.Daemon.Manifest;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Placement;

/// <summary>Whether an on-demand model placed on this node by its rules is wanted here now, and why, as status says
/// it: "asked for by 2 pods", "pinned by a pod", "last use 2h ago, kept until …", "not asked for on this node".</summary>
internal static class OnDemandRules
{
    public static PlacedModel Decide(string name, PlacementSpec spec, OnDemandBook book, DateTimeOffset now)
    {
        var waiting = book.Waiting(name);
        if (waiting > 0)
        {
            return new(name, true, $"on demand: asked for by {waiting} {(waiting == 1 ? "pod" : "pods")} waiting for it");
        }

        if (book.Pinned(name))
        {
            return new(name, true, "on demand: pinned by a pod");
        }

        if (book.Use(name) is not { } use)
        {
            return new(name, false, "on demand: not asked for on this node");
        }

        var asked = use.RequestedAt is { } at ? $"requested {DurationText.Format(now - at)} ago; " : "";
        var until = use.LastUsedAt + spec.KeepAfterLastUse;
        return now < until
            ? new(name, true, $"on demand: {asked}last use {DurationText.Format(now - use.LastUsedAt)} ago; kept until {until:u}")
            : new(name, false, $"on demand: {asked}last use {DurationText.Format(now - use.LastUsedAt)} ago, past keepAfterLastUse {DurationText.Format(spec.KeepAfterLastUse)}") { Disused = true };
    }
}

using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;

namespace ModelSync.Store.Inventory;

/// <summary>What a reader can say about the inventory's writer.</summary>
public enum WriterLiveness
{
    /// <summary>Holds the lock and wrote within <see cref="WriterCheck.SilentAfter"/>, or nothing is in progress.</summary>
    Active,

    /// <summary>Stopped cleanly (<c>writer.stoppedAt</c>); what it left is resumable.</summary>
    Stopped,

    /// <summary>The lock is free but the writer never said it stopped: killed (SIGKILL, OOM, node crash).</summary>
    Gone,

    /// <summary>Holds the lock but wrote nothing for longer than <see cref="WriterCheck.SilentAfter"/>.</summary>
    Silent,
}

/// <summary>One reader's verdict on the writer, with the words every surface (status, gate, page) prints.</summary>
public sealed record WriterStatus(WriterLiveness Liveness, string Text)
{
    /// <summary>True when a <c>Downloading</c> entry is frozen: nobody is moving it.</summary>
    public bool Frozen => Liveness is WriterLiveness.Gone or WriterLiveness.Stopped or WriterLiveness.Silent;
}

/// <summary>
/// Tells a live writer from a gone one: the store lock says whether a process still holds the store
/// (a flock dies with its holder, even on SIGKILL), the heartbeat whether it still writes. Shared by
/// the daemon's <c>status</c> and page and by the gate, so they say the same thing.
/// </summary>
public static class WriterCheck
{
    /// <summary>A writer beats every 15 s; four missed beats is silence, not a slow disk.</summary>
    public static readonly TimeSpan SilentAfter = TimeSpan.FromSeconds(60);

    public static WriterStatus Check(StoreLayout layout, StoreInventory inventory, DateTimeOffset now) =>
        Check(inventory, StoreLock.IsHeld(layout), now);

    public static WriterStatus Check(StoreInventory inventory, bool? lockHeld, DateTimeOffset now)
    {
        var w = inventory.Writer;
        var who = w is null ? "the writer" : $"{w.Mode} (pid {w.Pid} on {w.Host})";
        if (w?.StoppedAt is { } stopped && lockHeld != true)
        {
            return new(WriterLiveness.Stopped, $"{who} stopped at {Iso(stopped)}");
        }

        if (lockHeld == false || (lockHeld is null && w is not null))
        {
            var last = w?.HeartbeatAt ?? inventory.WrittenAt;
            return new(WriterLiveness.Gone, $"{who} is gone (store lock free), last write {Iso(last)}");
        }

        if (w is not null && lockHeld == true && now - w.HeartbeatAt > SilentAfter)
        {
            return new(WriterLiveness.Silent, $"{who} silent for {DurationText.Format(now - w.HeartbeatAt)} (holds the lock)");
        }

        return new(WriterLiveness.Active, w is null ? "writer unknown" : $"{who}, last write {Iso(w.HeartbeatAt)}");
    }

    /// <summary>UTC ISO 8601 to the second, as every surface prints times.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

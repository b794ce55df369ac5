using ModelSync.Store.Inventory;

namespace ModelSync.Store.Text;

/// <summary>
/// What the daemon's failure policy holds a Failed model to (docs/daemon.md, "Failure policy"), from its
/// inventory entry's <c>failure</c>: parked and what would lift it, or the backoff; and what the failures cost.
/// One phrase for <c>status</c> and the status page; each passes its own way of writing a time.
/// </summary>
public static class FailureText
{
    /// <summary>Null when <paramref name="model"/> is not Failed or the policy holds nothing for it.</summary>
    public static string? Of(ModelEntry model, Func<DateTimeOffset, string> time) => model is not { State: ModelState.Failed, Failure: { } f } ? null : f switch
    {
        { Parked: { Validator: not null } p } => $"parked since {time(p.Since)} until its source, its manifest entry or a retry changes; {Spent(f)}",
        { Parked: not null, NotBefore: { } at } => $"parked, the source gives no validator: next attempt not before {time(at)}; {Spent(f)}",
        { NotBefore: { } at } => $"failed {CountText.Of(f.Passes, "pass", "passes")} in a row, backing off until {time(at)}; {Spent(f)}",
        _ => null,
    };

    /// <summary>True while the policy parks <paramref name="model"/>: not fetched again on its own.</summary>
    public static bool IsParked(ModelEntry model) => model is { State: ModelState.Failed, Failure.Parked: not null };

    private static string Spent(FailureRecord f) => $"{ByteText.Format(f.BytesSpent)} spent on failed passes";
}

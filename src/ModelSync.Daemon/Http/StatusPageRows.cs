using System.Globalization;
using System.Text;
using ModelSync.Daemon.Placement;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Http;

/// <summary>One row of the page's model table: the inventory entry, the manifest's entry and the placement line.</summary>
internal sealed record StatusPageRow(string Name, string State, ModelEntry? Entry, ManifestModel? Wanted, PlacedModel? Placed);

/// <summary>
/// The rows of the page in the order a reader needs them at a thousand models: failed first, then downloading, then
/// waiting, then the rest, each by name; and the one-line count that heads the table. Each source is looked up by name
/// once, not searched per row.
/// </summary>
internal static class StatusPageRows
{
    public static IReadOnlyList<StatusPageRow> Of(StatusDocument s)
    {
        var entries = Index(s.Inventory?.Models ?? [], e => e.Name);
        var wanted = Index(s.Manifest.Models, m => m.Name);
        var placed = Index(s.Placement?.Models ?? [], p => p.Name);
        var names = new List<string>(wanted.Count + entries.Count);
        names.AddRange(s.Manifest.Models.Select(m => m.Name));
        names.AddRange((s.Inventory?.Models ?? []).Select(e => e.Name).Where(n => !wanted.ContainsKey(n)));
        var rows = names.Distinct(StringComparer.Ordinal).Select(name =>
        {
            var m = entries.GetValueOrDefault(name);
            var p = placed.GetValueOrDefault(name);
            var state = m?.State.ToString() ?? (p is { OnNode: false } ? "NotHere" : "Pending");
            return new StatusPageRow(name, state, m, wanted.GetValueOrDefault(name), p);
        });
        return [.. rows.OrderBy(r => Rank(r.State)).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary><c>1000 models: 990 Ready, 3 Downloading, 2 Pending, 5 Failed</c>, in the table's order.</summary>
    public static string Summary(IReadOnlyList<StatusPageRow> rows)
    {
        var text = new StringBuilder().Append(rows.Count.ToString(CultureInfo.InvariantCulture)).Append(rows.Count == 1 ? " model" : " models");
        var separator = ": ";
        foreach (var group in rows.GroupBy(r => r.State).OrderBy(g => Rank(g.Key)))
        {
            text.Append(separator).Append(group.Count().ToString(CultureInfo.InvariantCulture)).Append(' ').Append(group.Key);
            separator = ", ";
        }

        return text.ToString();
    }

    private static int Rank(string state) => state switch
    {
        nameof(ModelState.Failed) => 0,
        nameof(ModelState.Downloading) => 1,
        nameof(ModelState.Pending) => 2,
        nameof(ModelState.Ready) => 3,
        _ => 4,
    };

    private static Dictionary<string, T> Index<T>(IReadOnlyList<T> items, Func<T, string> name)
    {
        var index = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            index.TryAdd(name(item), item);
        }

        return index;
    }
}

using System.Globalization;
using ModelSync.Store.Inventory;

namespace ModelSync.Store.Text;

/// <summary>
/// One spelling of a download's progress for every surface (<c>sync</c>'s display, <c>status</c>, the
/// gate's wait lines, the page): <c>12 MiB of 64 MiB (18.7%), 2.1 MiB/s, ETA 25s, weights.bin</c>.
/// </summary>
public static class ProgressText
{
    public static string Percent(ModelProgress p) =>
        p.BytesTotal > 0 ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * p.BytesDone / p.BytesTotal:0.0}%") : "-";

    /// <summary><c>2.1 MiB/s</c>, or <c>-</c> without a rate.</summary>
    public static string Rate(ModelProgress? p) => p?.BytesPerSecond is > 0 and var r ? $"{ByteText.Format((long)r)}/s" : "-";

    /// <summary><c>25s</c>, or <c>-</c> without a rate.</summary>
    public static string Eta(ModelProgress? p) => p?.Eta() is { } eta ? DurationText.Format(eta) : "-";

    public static string Line(ModelProgress p) => $"{ByteText.Format(p.BytesDone)} of {ByteText.Format(p.BytesTotal)} ({Percent(p)}){Suffix(p)}";

    /// <summary>What follows the byte counts: <c>, 2.1 MiB/s, ETA 25s, weights.bin</c>; empty when neither is known.</summary>
    public static string Suffix(ModelProgress p)
    {
        var text = p.BytesPerSecond is > 0 ? $", {Rate(p)}, ETA {Eta(p)}" : "";
        return p.CurrentFile is { } file ? $"{text}, {file}" : text;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace ModelSync.Store.Text;

/// <summary>
/// Durations as people write them for the daemon's manifest and the gate's options alike: Go-style parts
/// with units <c>h m s ms</c>, each at most once and largest first (<c>1h30m</c>, <c>500ms</c>, <c>1.5s</c>);
/// a bare <c>0</c> means zero. A bare number other than 0 is refused because its unit would be a guess.
/// One grammar for both, so a value copied from a manifest into a pod spec means the same thing.
/// </summary>
public static class DurationText
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond), ("ms", TimeSpan.TicksPerMillisecond),
    ];

    public static bool TryParse(string? text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = TimeSpan.Zero;
        var s = text?.Trim() ?? "";
        if (s == "0")
        {
            error = null;
            return true;
        }

        error = $"must be a duration like 500ms, 30s, 5m or 1h30m, got '{text}'";
        decimal ticks = 0;
        var lastUnit = -1;
        var pos = 0;
        while (pos < s.Length)
        {
            var start = pos;
            while (pos < s.Length && (char.IsAsciiDigit(s[pos]) || s[pos] == '.'))
            {
                pos++;
            }

            var unitStart = pos;
            while (pos < s.Length && char.IsAsciiLetter(s[pos]))
            {
                pos++;
            }

            var unit = Array.FindIndex(Units, u => u.Unit == s[unitStart..pos]);
            // Units must shrink left to right, which also refuses repeats like '5m5m'.
            if (unit <= lastUnit || unitStart == start
                || !decimal.TryParse(s[start..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                error += InHours(s);
                return false;
            }

            lastUnit = unit;
            ticks += value * Units[unit].Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                error = $"duration '{text}' is too large";
                return false;
            }
        }

        if (s.Length == 0)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        error = null;
        return true;
    }

    /// <summary>Days and weeks are no unit here (a day is not always 24 h of a clock); a value written in them
    /// (<c>1d</c>, <c>1.5d</c>, <c>2w</c>) gets the hours to write instead.</summary>
    private static string InHours(string s)
    {
        var unit = s.Length > 1 ? char.ToLowerInvariant(s[^1]) : ' ';
        if (unit is not ('d' or 'w') || !decimal.TryParse(s[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            return "";
        }

        var hours = count * (unit == 'd' ? 24 : 168);
        return hours * TimeSpan.TicksPerHour > TimeSpan.MaxValue.Ticks ? "" : $"; {(unit == 'd' ? "days" : "weeks")} are not a unit: write {Format(TimeSpan.FromTicks((long)(hours * TimeSpan.TicksPerHour)))}";
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration, out var error) ? duration : throw new FormatException(error);

    /// <summary>The manifest spelling of a duration: <c>1h30m</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return duration == TimeSpan.Zero ? "0s" : $"-{Format(duration.Negate())}";
        }

        var sb = new StringBuilder();
        var hours = (long)duration.TotalHours;
        if (hours > 0) sb.Append(CultureInfo.InvariantCulture, $"{hours}h");
        if (duration.Minutes > 0) sb.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        if (duration.Seconds > 0) sb.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        if (duration.Milliseconds > 0) sb.Append(CultureInfo.InvariantCulture, $"{duration.Milliseconds}ms");
        return sb.Length > 0 ? sb.ToString() : "0s";
    }
}

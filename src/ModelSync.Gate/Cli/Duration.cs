using System.Globalization;

namespace ModelSync.Gate.Cli;

/// <summary>Go-style durations (<c>500ms</c>, <c>2s</c>, <c>5m</c>, <c>1h30m</c>), as Kubernetes users write them.</summary>
internal static class Duration
{
    // Caps each number so the sum cannot overflow; ~31 years of hours is more than any timeout.
    private const int MaxDigits = 6;

    /// <summary>The longest a single wait can be (a wait handle takes int milliseconds): about 24 days.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(int.MaxValue);

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        long totalMs = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i - start > MaxDigits)
            {
                return false;
            }

            var number = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            long unitMs = text.AsSpan(unitStart, i - unitStart) switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => -1,
            };
            if (unitMs < 0)
            {
                return false;
            }

            totalMs += number * unitMs;
            if (totalMs > (long)Max.TotalMilliseconds)
            {
                return false;
            }
        }

        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value.TotalSeconds < 1)
        {
            return $"{(long)value.TotalMilliseconds}ms";
        }

        var parts = (value.Hours + (value.Days * 24) > 0 ? $"{value.Hours + (value.Days * 24)}h" : "")
            + (value.Minutes > 0 ? $"{value.Minutes}m" : "")
            + (value.Seconds > 0 ? $"{value.Seconds}s" : "")
            + (value.Milliseconds > 0 ? $"{value.Milliseconds}ms" : "");
        return parts;
    }
}

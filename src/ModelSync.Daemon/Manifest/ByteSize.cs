using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ModelSync.Daemon.Manifest;

/// <summary>
/// Sizes as written in the manifest: a whole number of bytes, optionally with a Kubernetes-style
/// suffix: binary <c>Ki Mi Gi Ti</c> (powers of 1024) or decimal <c>k M G T</c> (powers of 1000).
/// Fractions are allowed when the result is a whole number of bytes (<c>1.5Gi</c>). Printing sizes is
/// <see cref="ModelSync.Store.Text.ByteText"/>'s job, shared with the gate.
/// </summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("k", 1_000L), ("M", 1_000_000L), ("G", 1_000_000_000L), ("T", 1_000_000_000_000L),
        ("", 1L),
    ];

    public static bool TryParse(string? text, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        var s = text?.Trim() ?? "";
        var numberEnd = 0;
        while (numberEnd < s.Length && (char.IsAsciiDigit(s[numberEnd]) || s[numberEnd] == '.'))
        {
            numberEnd++;
        }

        var number = s[..numberEnd];
        var suffix = s[numberEnd..];
        if (number.Length == 0 || number[0] == '.' || number[^1] == '.' || number.Count(c => c == '.') > 1
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"must be a size like 10Gi, 512Mi, 1G or 1000 (bytes), got '{text}'";
            return false;
        }

        var unit = Array.FindIndex(Units, u => u.Suffix == suffix);
        if (unit < 0)
        {
            // Kubernetes spells kilo 'k' and has no 'KB'/'GiB'; say so instead of a generic error.
            error = $"unknown size unit '{suffix}' in '{text}': use Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000)";
            return false;
        }

        var total = value * Units[unit].Factor;
        if (total > long.MaxValue)
        {
            error = $"size '{text}' is too large";
            return false;
        }

        if (decimal.Truncate(total) != total)
        {
            error = $"size '{text}' is not a whole number of bytes";
            return false;
        }

        bytes = (long)total;
        error = null;
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var bytes, out var error) ? bytes : throw new FormatException(error);
}

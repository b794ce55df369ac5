using System.Globalization;

namespace ModelSync.Store.Text;

/// <summary>Byte counts for people, one spelling for the daemon's messages and the gate's reports:
/// <c>758 B</c>, <c>1.5 KiB</c>, <c>10 GiB</c>, <c>417.7 MiB</c> (binary units, at most two decimals, no trailing zeros).</summary>
public static class ByteText
{
    private static readonly string[] Names = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Format(long bytes)
    {
        double value = bytes;
        var i = 0;
        while (Math.Abs(value) >= 1024 && i < Names.Length - 1)
        {
            value /= 1024;
            i++;
        }

        return i == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {Names[i]}");
    }
}

using System.Globalization;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Manifest;

/// <summary>
/// <c>store.reserve</c>: what must stay free on the store's filesystem, in bytes (<c>20Gi</c>) or as a share of
/// the filesystem's size (<c>15%</c>), so it scales with the disk the way kubelet's eviction thresholds do.
/// </summary>
public readonly record struct ReserveSize(long Bytes, double Percent)
{
    public static ReserveSize Share(double percent) => new(0, percent);

    public static implicit operator ReserveSize(long bytes) => new(bytes, 0);

    public bool IsPercent => Percent > 0;

    /// <summary>The bytes to keep free on a filesystem of <paramref name="filesystemBytes"/>.</summary>
    public long BytesOf(long filesystemBytes) =>
        IsPercent ? (long)Math.Ceiling(filesystemBytes * Percent / 100.0) : Bytes;

    public override string ToString() =>
        IsPercent ? Percent.ToString("0.##", CultureInfo.InvariantCulture) + "%" : ByteText.Format(Bytes);

    /// <summary>Parses <c>N%</c> (0 to 90, decimals allowed); anything else is left to <see cref="ByteSize"/>.</summary>
    public static bool TryParsePercent(string text, out double percent, out string? error)
    {
        (percent, error) = (0, null);
        if (!text.EndsWith('%'))
        {
            return false;
        }

        var number = text[..^1].Trim();
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out percent) || percent > MaxPercent)
        {
            error = $"must be a percentage from 0% to {MaxPercent}% of the filesystem, or a size; got '{text}'";
        }

        return true;
    }

    /// <summary>A reserve above this would leave a store next to no room: surely a typo.</summary>
    public const double MaxPercent = 90;
}

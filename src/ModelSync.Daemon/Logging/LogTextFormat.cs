using System.Globalization;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Logging;

/// <summary>
/// The format provider of the text log: a <see cref="TimeSpan"/> property reads as the manifest writes
/// durations (<c>790ms</c>, <c>1m5s</c>), not <c>00:00:00.7900951</c>; everything else is invariant.
/// The JSON log keeps the raw values for machines.
/// </summary>
internal sealed class LogTextFormat : IFormatProvider, ICustomFormatter
{
    public static readonly LogTextFormat Instance = new();

    public object? GetFormat(Type? formatType) =>
        formatType == typeof(ICustomFormatter) ? this : CultureInfo.InvariantCulture.GetFormat(formatType);

    public string Format(string? format, object? arg, IFormatProvider? formatProvider) => arg switch
    {
        // Sub-millisecond parts are noise in a log line; DurationText drops them.
        TimeSpan duration when format is null => DurationText.Format(duration),
        IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
        _ => arg?.ToString() ?? "",
    };
}

using System.Globalization;

namespace ModelSync.Store.Text;

/// <summary>Counted nouns for people: <c>1 model</c>, <c>2 models</c>, <c>0 problems</c>; one spelling for the
/// daemon's and the gate's messages instead of <c>model(s)</c>.</summary>
public static class CountText
{
    /// <param name="plural">Only for nouns whose plural is not <paramref name="singular"/> + "s".</param>
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}

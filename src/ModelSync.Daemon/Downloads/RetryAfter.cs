using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelSync.Daemon.Downloads;

/// <summary>How long a server asked us to wait: <c>Retry-After</c> (seconds or date), else the reset of
/// Hugging Face's <c>RateLimit</c> header (IETF draft: <c>"policy";r=0;t=55</c>, or <c>reset=55</c>).</summary>
internal static partial class RetryAfter
{
    public static TimeSpan? From(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter.Date is { } date)
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        return response.Headers.TryGetValues("RateLimit", out var values) ? FromRateLimit(string.Join(',', values)) : null;
    }

    public static TimeSpan? FromRateLimit(string header)
    {
        var match = ResetPattern().Match(header);
        return match.Success && int.TryParse(match.Groups["s"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    [GeneratedRegex(@"(?:^|[;,\s])(?:t|reset)\s*=\s*(?<s>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ResetPattern();
}

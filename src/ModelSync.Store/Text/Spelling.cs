namespace ModelSync.Store.Text;

/// <summary>
/// How close a written word is to a known one, so a typo gets "did you mean": a manifest key (<c>verison</c>)
/// in the daemon's manifest problems, a model name the gate waits for (<c>embed-smal</c>).
/// Case-insensitive optimal string alignment distance (an adjacent swap like <c>verison</c> costs 1), or a word
/// cut short that starts exactly one known word (<c>sha</c> for <c>sha256</c>).
/// </summary>
public static class Spelling
{
    /// <summary>The known word <paramref name="written"/> most likely misspells, or null when none is close.</summary>
    public static string? Nearest(string written, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var key in known)
        {
            var distance = Distance(written, key);
            if (distance <= MaxTypos(key) && distance < bestDistance)
            {
                (best, bestDistance) = (key, distance);
            }
        }

        // A key cut short (sha for sha256) is too far for a typo; it is meant when it starts one known key only.
        if (best is null && written.Length >= 3)
        {
            var longer = known.Where(k => k.Length > written.Length && k.StartsWith(written, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).Take(2).ToList();
            best = longer.Count == 1 ? longer[0] : null;
        }

        return best;
    }

    /// <summary>Short words allow one typo, longer ones two: <c>url</c> is not a typo of <c>size</c>.</summary>
    private static int MaxTypos(string key) => key.Length <= 4 ? 1 : 2;

    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}

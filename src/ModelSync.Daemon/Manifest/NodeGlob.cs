namespace ModelSync.Daemon.Manifest;

/// <summary>Node-name globs: <c>*</c> any run of characters, <c>?</c> one; everything else literal.</summary>
internal static class NodeGlob
{
    public static bool IsValid(string glob) =>
        glob.Length is > 0 and <= 253 && glob.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '*' or '?');

    public static bool Matches(string glob, string name) => Matches(glob.AsSpan(), name.AsSpan());

    private static bool Matches(ReadOnlySpan<char> glob, ReadOnlySpan<char> name)
    {
        // Iterative with one backtrack point: linear enough for names of at most 253 characters.
        int g = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (g < glob.Length && (glob[g] == '?' || glob[g] == name[n]))
            {
                g++;
                n++;
            }
            else if (g < glob.Length && glob[g] == '*')
            {
                star = g++;
                mark = n;
            }
            else if (star >= 0)
            {
                g = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (g < glob.Length && glob[g] == '*')
        {
            g++;
        }

        return g == glob.Length;
    }
}

using System.IO.Enumeration;

namespace ModelSync.Daemon.Sources;

/// <summary>huggingface_hub's allow/ignore rule, which every source with <c>include</c>/<c>exclude</c> follows:
/// kept when it matches an include (or there are none) and no exclude; '*' and '?' also match '/'.</summary>
internal static class PathFilter
{
    public static bool Selected(string path, IReadOnlyList<string> include, IReadOnlyList<string> exclude) =>
        (include.Count == 0 || include.Any(p => FileSystemName.MatchesSimpleExpression(p, path, ignoreCase: false)))
        && !exclude.Any(p => FileSystemName.MatchesSimpleExpression(p, path, ignoreCase: false));
}

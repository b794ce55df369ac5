using System.Net;
using System.Text;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Http;

/// <summary>The page's "Versions and pins" card: every version other than a model's plain current one (previous
/// versions, pinned ones, current ones a pod pins), pinned first, so an operator sees what pods hold.</summary>
internal static class StatusPageVersions
{
    private const int Shown = 20;

    public static void Render(StringBuilder h, StatusDocument s)
    {
        var pinned = s.Versions.Count(v => v.Pinned);
        var listed = s.Versions.Where(v => v.Pinned || !v.Current)
            .OrderByDescending(v => v.Pinned).ThenBy(v => v.Model, StringComparer.Ordinal).ThenBy(v => v.Version, StringComparer.Ordinal)
            .ToList();
        h.Append("    <div class=\"card\"><h2>Versions and pins</h2><div id=\"versions\"><div>")
            .Append(s.Versions.Count).Append(" version(s) on disk · ").Append(pinned).Append(" pinned by pods</div>");
        if (listed.Count > 0)
        {
            h.Append("<ul>");
            foreach (var v in listed.Take(Shown))
            {
                h.Append("<li><code>").Append(E($"{v.Model} {v.Version}")).Append("</code> ")
                    .Append(v.Pinned ? "<span class=\"badge ok\">pinned</span>" : "")
                    .Append(v.Current ? " current" : " previous")
                    .Append(v.Pinned || v.LastUsed is null ? "" : " · last used " + WriterCheck.Iso(v.LastUsed.Value))
                    .Append("</li>");
            }

            h.Append("</ul>");
            if (listed.Count > Shown)
            {
                h.Append("<div class=\"muted\">and ").Append(listed.Count - Shown).Append(" more in /status</div>");
            }
        }

        h.Append("</div></div>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

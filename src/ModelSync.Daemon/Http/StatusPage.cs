using System.Text;

namespace ModelSync.Daemon.Http;

/// <summary>
/// <c>GET /</c>: one self-contained page (no external assets), rendered here from the same
/// <see cref="StatusDocument"/> as <c>/status</c>, so it is complete without JavaScript (curl, a text
/// browser, a screenshot). The script only refreshes: every 2 s it fetches the page again and swaps in its
/// <c>#content</c>. Every text is HTML-encoded (<see cref="StatusPageBody"/>), so model names, URLs and
/// error messages cannot inject markup. Times are UTC ISO 8601, as the CLI prints them. The page offers
/// no actions: it is served on the HTTP port, which has no authentication.
/// </summary>
internal static class StatusPage
{
    public static string Render(StatusDocument status) => new StringBuilder(16 << 10)
        .Append(Head)
        .Append(StatusPageBody.Render(status))
        .Append(Tail)
        .ToString();

    private const string Head = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ModelSync</title>
<style>
  :root { --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --muted:#57606a; --line:#d0d7de; --bg:#f6f8fa; --accent:#0969da; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
  header { display:flex; gap:16px; align-items:center; padding:12px 20px; border-bottom:1px solid var(--line); background:var(--bg); }
  header h1 { font-size:18px; margin:0; }
  main { padding: 16px 20px; max-width: 1200px; }
  .badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; color:#fff; background:var(--muted); }
  .badge.Ready, .badge.ok { background:var(--ok); }
  .badge.Downloading, .badge.Pending, .badge.Reconciling, .badge.WaitingForLock { background:var(--accent); }
  .badge.Failed, .badge.bad { background:var(--bad); }
  .badge.parked { background:var(--warn); }
  .policy { color:#1f2328; font-size:12px; }
  .muted { color: var(--muted); }
  table { border-collapse: collapse; width: 100%; margin: 8px 0 20px; }
  th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align: top; }
  th { font-size:12px; text-transform:uppercase; color:var(--muted); font-weight:600; }
  .bar { position:relative; height:14px; min-width:160px; background:#eaeef2; border-radius:7px; overflow:hidden; }
  .bar > span { position:absolute; left:0; top:0; bottom:0; background:var(--accent); }
  .bar.disk > span { background:var(--ok); }
  .bar.disk.high > span { background:var(--warn); }
  .bar-label { font-size:12px; color:var(--muted); }
  .ready-mark { color: var(--ok); font-weight:600; }
  .error { color: var(--bad); }
  .problems { border:1px solid var(--bad); background:#ffebe9; border-radius:6px; padding:8px 12px; margin:8px 0 16px; }
  .problems li { font-family: ui-monospace, monospace; font-size:12px; }
  .notice { border:1px solid var(--warn); background:#fff8c5; border-radius:6px; padding:8px 12px; margin:8px 0 16px; }
  section h2 { font-size:15px; margin:18px 0 4px; }
  .card h2 { font-size:15px; margin:0 0 8px; }
  .grid { display:grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
  .card { border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
  code { font-family: ui-monospace, monospace; font-size: 12px; }
  .stale { border:1px solid var(--bad); background:#ffebe9; border-radius:6px; padding:8px 12px; margin:8px 0 16px; }
</style>
</head>
<body>

""";

    private const string Tail = """

<script>
"use strict";
// The server renders everything; this only fetches the page again and swaps the content in.
async function refresh() {
  try {
    const r = await fetch(location.pathname, { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    const next = new DOMParser().parseFromString(await r.text(), "text/html").getElementById("content");
    if (next) document.getElementById("content").replaceWith(next);
  } catch (e) {
    const box = document.getElementById("fetch-error");
    if (box) { box.hidden = false; box.textContent = "cannot refresh: " + e.message + " (showing the last page)"; }
  } finally {
    setTimeout(refresh, 2000);
  }
}
setTimeout(refresh, 2000);
</script>
</body>
</html>
""";
}

namespace ModelSync.Daemon.Http;

/// <summary>
/// <c>GET /</c>: one self-contained page (no external assets) that renders <c>/status</c> and fetches it
/// again every 2 s. Everything is built with <c>textContent</c>, never HTML strings, so model names,
/// URLs and error messages cannot inject markup.
/// </summary>
internal static class StatusPage
{
    public const string Html = """
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
</style>
</head>
<body>
<header>
  <h1>ModelSync</h1>
  <span id="node" class="muted"></span>
  <span id="phase" class="badge"></span>
  <span id="ready" class="badge"></span>
  <span id="updated" class="muted" style="margin-left:auto"></span>
</header>
<main>
  <div id="fetch-error" class="problems" hidden></div>
  <div id="reload-problems" class="problems" hidden></div>
  <div id="restart" class="notice" hidden></div>
  <section>
    <h2>Models</h2>
    <table>
      <thead><tr><th>Model</th><th>Version</th><th>State</th><th>Size</th><th>Progress</th><th>Last error</th></tr></thead>
      <tbody id="models"><tr><td colspan="6" class="muted">loading…</td></tr></tbody>
    </table>
  </section>
  <div class="grid">
    <div class="card"><h2>Disk</h2><div id="disk"></div></div>
    <div class="card"><h2>Reconcile</h2><div id="reconcile"></div></div>
    <div class="card"><h2>Manifest</h2><div id="manifest"></div></div>
    <div class="card"><h2>Garbage collection</h2><div id="gc"></div></div>
  </div>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k === "style") e.style.cssText = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function fill(id, ...children) { $(id).replaceChildren(...children.filter(c => c !== null && c !== undefined && c !== "")); }
function bytes(n) {
  if (n === null || n === undefined) return "-";
  const u = ["B", "KiB", "MiB", "GiB", "TiB"]; let i = 0; let v = n;
  while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return i === 0 ? n + " B" : v.toFixed(1) + " " + u[i];
}
function when(t) { return t ? new Date(t).toLocaleString() : "-"; }
function bar(fraction, cls, label) {
  const pct = Math.max(0, Math.min(100, fraction * 100));
  return el("div", {},
    el("div", { class: "bar " + (cls || ""), role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": pct.toFixed(1) },
      el("span", { style: "width:" + pct.toFixed(1) + "%" })),
    el("div", { class: "bar-label" }, label));
}
function renderModels(s) {
  const body = $("models");
  body.replaceChildren();
  const entries = new Map(((s.inventory && s.inventory.models) || []).map(m => [m.name, m]));
  const names = [...new Set([...s.manifest.models.map(m => m.name), ...entries.keys()])];
  if (names.length === 0) body.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, s.inventory ? "no models" : "waiting for the store lock")));
  for (const name of names) {
    const m = entries.get(name);
    const want = s.manifest.models.find(x => x.name === name);
    const state = m ? m.state : "Pending";
    const version = m ? m.version : want.version;
    let progress = "";
    if (m && state === "Ready") progress = el("span", { class: "ready-mark" }, "✓ ready");
    else if (m && m.progress && m.progress.bytesTotal > 0) {
      const rate = s.rates[name];
      progress = bar(m.progress.bytesDone / m.progress.bytesTotal, "",
        bytes(m.progress.bytesDone) + " of " + bytes(m.progress.bytesTotal) + " (" + (100 * m.progress.bytesDone / m.progress.bytesTotal).toFixed(1) + "%)" + (rate ? " · " + bytes(rate) + "/s" : ""));
    }
    let error = "";
    if (m && m.error) {
      error = el("div", { class: "error" }, el("b", {}, m.error.reason), ": " + m.error.message,
        el("div", { class: "muted" }, "attempts " + m.error.attempts + (m.error.nextRetryAt ? " · next retry " + when(m.error.nextRetryAt) : "")));
    }
    const versionCell = el("td", {}, el("code", {}, version));
    if (m && m.previous) versionCell.append(el("div", { class: "muted" }, "serving " + m.previous.version + " meanwhile"));
    body.append(el("tr", { "data-model": name, "data-state": state },
      el("td", {}, el("b", { class: "model-name" }, name)),
      versionCell,
      el("td", {}, el("span", { class: "badge state " + state }, state)),
      el("td", {}, bytes(m ? m.bytes : want.bytes)),
      el("td", {}, progress),
      el("td", {}, error)));
  }
}
function renderCards(s) {
  const st = s.store;
  const limit = st.capacityBytes || st.filesystemTotalBytes || 0;
  const frac = limit ? st.bytesUsed / limit : 0;
  fill("disk", 
    bar(frac, "disk" + (frac > 0.9 ? " high" : ""), bytes(st.bytesUsed) + " used of " + (st.capacityBytes ? bytes(st.capacityBytes) + " capacity" : "the filesystem (no capacity set)")),
    el("div", {}, "filesystem free: " + bytes(st.filesystemFreeBytes) + " (reserve " + bytes(st.reserveBytes) + ")"),
    el("div", { class: "muted" }, el("code", {}, st.root), " · keeps " + st.keepVersions + " previous version(s)"));
  const r = s.reconcile;
  fill("reconcile", 
    el("div", {}, r.inProgress ? "pass in progress since " + when(r.lastStartedAt) : "idle"),
    el("div", {}, "last finished: " + when(r.lastFinishedAt) + (r.lastFinishedAt ? (r.lastSuccess ? " · all ready" : " · " + r.lastFailed + " failed") : "")),
    el("div", {}, "next: " + (r.nextAt ? when(r.nextAt) : "-") + " · passes " + r.passes),
    r.lastError ? el("div", { class: "muted" }, r.lastError) : null,
    s.healthy ? null : el("div", { class: "error" }, "unhealthy: " + s.unhealthy));
  const mf = s.manifest;
  fill("manifest", 
    el("div", {}, el("code", {}, mf.path)),
    el("div", {}, mf.models.length + " models · in force since " + when(mf.loadedAt)));
  const gc = s.gc;
  fill("gc", gc
    ? el("div", {}, "last run " + when(gc.at) + ": " + (gc.removed.length ? gc.removed.length + " removed" : "nothing to remove"),
        el("ul", {}, ...gc.removed.slice(0, 8).map(x => el("li", {}, el("code", {}, x)))),
        ...gc.failures.map(x => el("div", { class: "error" }, x)))
    : el("div", { class: "muted" }, "not run yet"));
  const rp = $("reload-problems");
  rp.hidden = mf.reloadProblems.length === 0;
  fill("reload-problems", el("b", {}, "The manifest on disk is not valid (" + when(mf.reloadFailedAt) + "); the last good one stays in force:"),
    el("ul", {}, ...mf.reloadProblems.map(p => el("li", { class: "reload-problem" }, p))));
  const rs = $("restart");
  rs.hidden = mf.restartRequired.length === 0;
  fill("restart", "Changed settings that take effect only after a restart: " + mf.restartRequired.join(", "));
}
function render(s) {
  $("node").textContent = s.node ? "node " + s.node : "";
  $("phase").textContent = s.phase; $("phase").className = "badge " + s.phase;
  $("ready").textContent = s.ready ? "ready" : "not ready"; $("ready").className = "badge " + (s.ready ? "ok" : "bad");
  $("ready").title = s.notReady || "";
  $("updated").textContent = "updated " + new Date(s.generatedAt).toLocaleTimeString();
  renderModels(s);
  renderCards(s);
}
async function refresh() {
  try {
    const r = await fetch("status", { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    render(await r.json());
    $("fetch-error").hidden = true;
  } catch (e) {
    $("fetch-error").hidden = false;
    $("fetch-error").textContent = "cannot fetch /status: " + e.message;
  } finally {
    setTimeout(refresh, 2000);
  }
}
refresh();
</script>
</body>
</html>
""";
}

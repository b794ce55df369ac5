using System.Globalization;
using System.Net;
using System.Text;
using ModelSync.Store.Inventory;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Http;

/// <summary>The content of <see cref="StatusPage"/>: <c>#content</c>, everything the page shows, as HTML.</summary>
internal static class StatusPageBody
{
    public static string Render(StatusDocument s)
    {
        var h = new StringBuilder(12 << 10);
        h.Append("<div id=\"content\">\n<header>\n  <h1>ModelSync</h1>\n");
        h.Append("  <span id=\"node\" class=\"muted\">").Append(s.Node is null ? "" : "node " + E(s.Node)).Append("</span>\n");
        h.Append("  <span id=\"phase\" class=\"badge ").Append(E(s.Phase)).Append("\">").Append(E(s.Phase)).Append("</span>\n");
        h.Append("  <span id=\"ready\" class=\"badge ").Append(s.Ready ? "ok" : "bad").Append("\" title=\"").Append(E(s.NotReady ?? "")).Append("\">").Append(s.Ready ? "ready" : "not ready").Append("</span>\n");
        h.Append("  <span id=\"updated\" class=\"muted\" style=\"margin-left:auto\">updated ").Append(Iso(s.GeneratedAt)).Append("</span>\n</header>\n<main>\n");
        h.Append("  <div id=\"fetch-error\" class=\"problems\" hidden></div>\n");
        if (s.Writer is { Frozen: true } w)
        {
            h.Append("  <div id=\"writer\" class=\"stale\"><b>Writer ").Append(E(w.Liveness.ToLowerInvariant())).Append(":</b> ").Append(E(w.Text)).Append("</div>\n");
        }

        var mf = s.Manifest;
        if (mf.ReloadProblems.Count > 0)
        {
            h.Append("  <div id=\"reload-problems\" class=\"problems\"><b>The manifest on disk is not valid (").Append(Iso(mf.ReloadFailedAt)).Append("); the last good one stays in force:</b><ul>");
            foreach (var p in mf.ReloadProblems)
            {
                h.Append("<li class=\"reload-problem\">").Append(E(p)).Append("</li>");
            }

            h.Append("</ul></div>\n");
        }

        if (mf.RestartRequired.Count > 0)
        {
            h.Append("  <div id=\"restart\" class=\"notice\">Changed settings that take effect only after a restart: ").Append(E(string.Join(", ", mf.RestartRequired))).Append("</div>\n");
        }

        var rows = StatusPageRows.Of(s);
        h.Append("  <section>\n    <h2>Models</h2>\n    <div id=\"summary\">").Append(E(StatusPageRows.Summary(rows))).Append("</div>\n    <table>\n      <thead><tr><th>Model</th><th>Version</th><th>State</th><th>Size</th><th>Progress</th><th>Last error</th></tr></thead>\n      <tbody id=\"models\">\n");
        Models(h, rows, s);
        h.Append("      </tbody>\n    </table>\n  </section>\n  <div class=\"grid\">\n");
        Cards(h, s);
        h.Append("  </div>\n</main>\n</div>");
        return h.ToString();
    }

    private static void Models(StringBuilder h, IReadOnlyList<StatusPageRow> rows, StatusDocument s)
    {
        if (rows.Count == 0)
        {
            h.Append("        <tr><td colspan=\"6\" class=\"muted\">").Append(s.Inventory is null ? "waiting for the store lock" : "no models").Append("</td></tr>\n");
        }

        foreach (var (name, state, m, want, placed) in rows)
        {
            var parked = m is not null && FailureText.IsParked(m);
            h.Append("        <tr data-model=\"").Append(E(name)).Append("\" data-state=\"").Append(state).Append(parked ? "\" data-parked=\"true" : "").Append("\">");
            h.Append("<td><b class=\"model-name\">").Append(E(name)).Append("</b>");
            if (placed is not null)
            {
                h.Append("<div class=\"muted placement\">").Append(E(placed.Why)).Append("</div>");
            }

            h.Append("</td>");
            h.Append("<td><code>").Append(E(m?.Version ?? want?.Version ?? "")).Append("</code>");
            if (m?.Previous is { } previous)
            {
                h.Append("<div class=\"muted\">serving ").Append(E(previous.Version)).Append(" meanwhile</div>");
            }

            if (m?.Signature is { } signature)
            {
                h.Append("<div class=\"muted signature\" title=\"").Append(E(SignatureText.Of(signature))).Append("\">signed by ").Append(E(signature.Signer)).Append("</div>");
            }

            h.Append("</td><td><span class=\"badge state ").Append(state).Append("\">").Append(state).Append("</span>")
                .Append(parked ? " <span class=\"badge parked\" title=\"not fetched again until its source, its manifest entry or a retry changes\">parked</span>" : "").Append("</td>");
            h.Append("<td>").Append(ByteText.Format(m?.Bytes ?? want?.Bytes ?? 0)).Append("</td><td class=\"progress\">");
            Progress(h, m, s.Writer);
            h.Append("</td><td>");
            if (m?.Error is { } e)
            {
                h.Append("<div class=\"error\"><b>").Append(E(e.Reason)).Append("</b>: ").Append(E(e.Message));
                if (e.File is not null)
                {
                    h.Append("<div>file <code class=\"error-file\">").Append(E(e.File)).Append("</code></div>");
                }

                h.Append("<div class=\"muted\">attempts ").Append(e.Attempts.ToString(CultureInfo.InvariantCulture))
                    .Append(e.NextRetryAt is { } at ? " · next retry " + Iso(at) : "").Append("</div>");
                if (FailureText.Of(m, t => Iso(t)) is { } policy)
                {
                    // The failure policy's hold (docs/daemon.md, "Failure policy"): parked, or backing off.
                    h.Append("<div class=\"policy").Append(parked ? " parked" : "").Append("\">").Append(E(policy)).Append("</div>");
                }

                h.Append("</div>");
            }

            h.Append("</td></tr>\n");
        }
    }

    /// <summary>A bar only for a download that moves (or waits to resume); a failed model gets none, its error says it.</summary>
    private static void Progress(StringBuilder h, ModelEntry? m, WriterSection? writer)
    {
        if (m is { State: ModelState.Ready })
        {
            h.Append("<span class=\"ready-mark\">✓ ready</span>");
            return;
        }

        if (m is not { State: ModelState.Downloading or ModelState.Pending, Progress: { BytesTotal: > 0 } p })
        {
            return;
        }

        var pct = Math.Clamp(100.0 * p.BytesDone / p.BytesTotal, 0, 100).ToString("0.0", CultureInfo.InvariantCulture);
        var moving = m.State == ModelState.Downloading && writer is not { Frozen: true };
        var label = moving ? ProgressText.Line(p) : $"{ProgressText.Line(p.Stopped())}, not moving";
        h.Append("<div class=\"bar\" role=\"progressbar\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"").Append(pct)
            .Append("\"><span style=\"width:").Append(pct).Append("%\"></span></div><div class=\"bar-label\">").Append(E(label));
        if (moving && p.Eta() is { } eta)
        {
            h.Append(" <span class=\"eta\">(done about ").Append(DurationText.Format(eta)).Append(" from now)</span>");
        }

        h.Append("</div>");
    }

    private static void Cards(StringBuilder h, StatusDocument s)
    {
        var st = s.Store;
        var limit = st.CapacityBytes ?? st.FilesystemTotalBytes;
        var frac = limit > 0 ? Math.Clamp(100.0 * st.BytesUsed / limit, 0, 100) : 0;
        h.Append("    <div class=\"card\"><h2>Disk</h2><div id=\"disk\"><div class=\"bar disk").Append(frac > 90 ? " high" : "").Append("\"><span style=\"width:")
            .Append(frac.ToString("0.0", CultureInfo.InvariantCulture)).Append("%\"></span></div><div class=\"bar-label\">").Append(ByteText.Format(st.BytesUsed)).Append(" used of ")
            .Append(st.CapacityBytes is { } cap ? ByteText.Format(cap) + " capacity" : "the filesystem (no capacity set)").Append("</div>")
            .Append("<div>filesystem free: ").Append(ByteText.Format(st.FilesystemFreeBytes)).Append(" (reserve ").Append(ByteText.Format(st.ReserveBytes)).Append(")</div>")
            .Append("<div class=\"muted\"><code>").Append(E(st.Root)).Append("</code> · keeps ").Append(st.KeepVersions.ToString(CultureInfo.InvariantCulture)).Append(" previous version(s)</div></div></div>\n");
        var r = s.Reconcile;
        h.Append("    <div class=\"card\"><h2>Reconcile</h2><div id=\"reconcile\"><div>").Append(r.InProgress ? "pass in progress since " + Iso(r.LastStartedAt) : "idle").Append("</div>")
            .Append("<div>last finished: ").Append(Iso(r.LastFinishedAt)).Append(r.LastFinishedAt is null ? "" : r.LastSuccess == true ? " · all ready" : $" · {r.LastFailed} failed").Append("</div>")
            .Append("<div>next: ").Append(Iso(r.NextAt)).Append(" · passes ").Append(r.Passes.ToString(CultureInfo.InvariantCulture)).Append("</div>");
        if (r.LastError is not null)
        {
            h.Append("<div class=\"muted\">").Append(E(r.LastError)).Append("</div>");
        }

        if (!s.Healthy)
        {
            h.Append("<div class=\"error\">unhealthy: ").Append(E(s.Unhealthy ?? "")).Append("</div>");
        }

        if (s.Writer is { } w)
        {
            h.Append("<div class=\"muted\">inventory writer: ").Append(E(w.Text)).Append("</div>");
        }

        h.Append("</div></div>\n    <div class=\"card\"><h2>Manifest</h2><div id=\"manifest\"><div><code>").Append(E(s.Manifest.Path)).Append("</code></div><div>")
            .Append(s.Manifest.Models.Count.ToString(CultureInfo.InvariantCulture)).Append(" models · in force since ").Append(Iso(s.Manifest.LoadedAt)).Append("</div></div></div>\n");
        h.Append("    <div class=\"card\"><h2>Garbage collection</h2><div id=\"gc\">");
        if (s.Gc is { } gc)
        {
            h.Append("<div>last run ").Append(Iso(gc.At)).Append(": ").Append(gc.Removed.Count > 0 ? $"{gc.Removed.Count} removed" : "nothing to remove").Append("<ul>");
            foreach (var x in gc.Removed.Take(8))
            {
                h.Append("<li><code>").Append(E(x)).Append("</code></li>");
            }

            h.Append("</ul>");
            foreach (var x in gc.Failures)
            {
                h.Append("<div class=\"error\">").Append(E(x)).Append("</div>");
            }

            h.Append("</div>");
        }
        else
        {
            h.Append("<div class=\"muted\">not run yet</div>");
        }

        h.Append("</div></div>\n");
        StatusPageVersions.Render(h, s);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Iso(DateTimeOffset? at) => at is { } t ? WriterCheck.Iso(t) : "-";
}

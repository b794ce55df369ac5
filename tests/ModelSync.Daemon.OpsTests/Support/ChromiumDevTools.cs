using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ModelSync.Daemon.OpsTests.Support;

/// <summary>
/// The DOM of a page in headless Chromium with JavaScript switched off (<c>--blink-settings=scriptEnabled=false</c>).
/// <c>--dump-dom</c> prints nothing then (it reads the DOM with script), so this asks over the DevTools
/// protocol instead (<c>DOM.getOuterHTML</c>), which needs no script in the page.
/// </summary>
public static class ChromiumDevTools
{
    public static async Task<string> DumpDomWithoutScriptsAsync(string url, string mustContain)
    {
        using var profile = new TempDir();
        var psi = new ProcessStartInfo(Chromium.Binary()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--no-proxy-server",
                     "--remote-debugging-port=0", "--blink-settings=scriptEnabled=false", $"--user-data-dir={profile.Path}", url])
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var port = await DevToolsPortAsync(process, cts.Token);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            while (true)
            {
                var pages = await http.GetFromJsonAsync<JsonElement>("json/list", cts.Token);
                var page = pages.EnumerateArray().FirstOrDefault(p => p.GetProperty("type").GetString() == "page" && p.GetProperty("url").GetString() == url);
                if (page.ValueKind == JsonValueKind.Object && await OuterHtmlAsync(page.GetProperty("webSocketDebuggerUrl").GetString()!, cts.Token) is { } html && html.Contains(mustContain, StringComparison.Ordinal))
                {
                    return html;
                }

                await Task.Delay(200, cts.Token);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<int> DevToolsPortAsync(Process process, CancellationToken ct)
    {
        // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID"
        while (await process.StandardError.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("DevTools listening on ws://", StringComparison.Ordinal))
            {
                return new Uri(line["DevTools listening on ".Length..]).Port;
            }
        }

        throw new InvalidOperationException("chromium exited without a DevTools port");
    }

    private static async Task<string?> OuterHtmlAsync(string pageSocket, CancellationToken ct)
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri(pageSocket), ct);
        // An error (the document still loading, a node gone) is null: the caller asks again.
        if (await CallAsync(ws, 1, "DOM.getDocument", "{\"depth\":0}", ct) is not { } root)
        {
            return null;
        }

        var nodeId = root.GetProperty("root").GetProperty("nodeId").GetInt32();
        return await CallAsync(ws, 2, "DOM.getOuterHTML", $"{{\"nodeId\":{nodeId}}}", ct) is { } outer ? outer.GetProperty("outerHTML").GetString() : null;
    }

    private static async Task<JsonElement?> CallAsync(ClientWebSocket ws, int id, string method, string parameters, CancellationToken ct)
    {
        await ws.SendAsync(Encoding.UTF8.GetBytes($"{{\"id\":{id},\"method\":\"{method}\",\"params\":{parameters}}}"), WebSocketMessageType.Text, true, ct);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await ws.ReceiveAsync(buffer, ct);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            using var doc = JsonDocument.Parse(message.ToArray());
            if (doc.RootElement.TryGetProperty("id", out var got) && got.GetInt32() == id)
            {
                return doc.RootElement.TryGetProperty("result", out var r) ? r.Clone() : null;
            }
        }
    }
}

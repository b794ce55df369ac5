using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary>The two hub API calls a resolution needs: revision → commit, and the commit's file tree.</summary>
internal sealed partial class HubClient(HttpSource http, Uri endpoint, TimeSpan stallTimeout, TimeProvider time)
{
    /// <summary>The hub pages its tree by 1,000 entries; a million files is no model repository.</summary>
    public const int MaxTreePages = 1000;

    public Uri Endpoint { get; } = SourceUrl.AsBase(endpoint);

    public async Task<string> CommitAsync(HubReference hub, string? token, CancellationToken ct)
    {
        var url = new Uri(Endpoint, $"api/models/{hub.Repo}/revision/{Uri.EscapeDataString(hub.Revision)}");
        var (info, _) = await GetJsonAsync(url, token, HubJsonContext.Default.HubModelInfo, ct);
        return info.Sha is { Length: 40 } sha && sha.All(char.IsAsciiHexDigitLower)
            ? sha
            : throw Invalid(url, $"no 40-hex commit in 'sha' (got '{info.Sha}')");
    }

    /// <summary>Every file of the commit, across as many pages as the hub sends (it pages large trees
    /// with <c>Link: &lt;…&gt;; rel="next"</c>, as huggingface_hub's list_repo_tree follows).</summary>
    public async Task<List<HubTreeEntry>> FilesAsync(HubReference hub, string commit, string? token, CancellationToken ct)
    {
        var files = new List<HubTreeEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Uri? next = new(Endpoint, $"api/models/{hub.Repo}/tree/{commit}?recursive=true");
        while (next is not null)
        {
            // A mirror that links a page to itself, or pages forever, must end the pass, not grow it.
            if (!seen.Add(next.AbsoluteUri) || seen.Count > MaxTreePages)
            {
                throw Invalid(next, seen.Count > MaxTreePages ? $"more than {MaxTreePages} pages" : "a page links back to an earlier one");
            }

            var (page, link) = await GetJsonAsync(next, token, HubJsonContext.Default.ListHubTreeEntry, ct);
            files.AddRange(page.Where(e => e.Type == "file"));
            next = NextPage(link, next);
        }

        return files;
    }

    /// <summary>The <c>Link: &lt;…&gt;; rel="next"</c> page, which must stay on the hub: the token goes with it.</summary>
    private Uri? NextPage(string? link, Uri current)
    {
        if (link is null || NextLink().Match(link) is not { Success: true } match)
        {
            return null;
        }

        return Uri.TryCreate(current, match.Groups["url"].Value, out var next) && next.Scheme is "http" or "https" && Origin.MayCarryToken(Endpoint, next)
            ? next
            : throw Invalid(current, $"next page '{match.Groups["url"].Value}' is not on the hub");
    }

    /// <summary>The parsed body and the <c>Link</c> header.</summary>
    private async Task<(T Value, string? Link)> GetJsonAsync<T>(Uri url, string? token, JsonTypeInfo<T> type, CancellationToken ct)
    {
        // An answer of a few KB: a hub that says nothing for stallTimeout is as stuck as a stalled download.
        using var stall = new CancellationTokenSource(stallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stall.Token);
        try
        {
            using var response = await http.GetAsync(url, 0, null, token, linked.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw Failure(response, url);
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            var value = await JsonSerializer.DeserializeAsync(body, type, linked.Token);
            return (value ?? throw Invalid(url, "null"), Header(response, "Link"));
        }
        catch (JsonException ex)
        {
            throw Invalid(url, ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DownloadException(FailureReason.Stalled, $"{HttpSource.Redact(url)}: no answer in {stallTimeout.TotalSeconds:0.#}s", transient: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpIOException or IOException)
        {
            throw new DownloadException(FailureReason.SourceUnreachable, $"{HttpSource.Redact(url)}: {ex.Message}", transient: true, inner: ex);
        }
    }

    /// <summary>The hub names its errors in <c>X-Error-Code</c>/<c>X-Error-Message</c>; pass them on.</summary>
    private DownloadException Failure(HttpResponseMessage response, Uri url)
    {
        var code = response.StatusCode;
        var detail = Header(response, "X-Error-Message") ?? Header(response, "X-Error-Code") ?? code.ToString();
        var message = $"{HttpSource.Redact(url)}: HTTP {(int)code} {detail}";
        return code switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new DownloadException(FailureReason.Unauthorized,
                $"{message} (a private or gated repository needs a token: auth.bearerTokenFile or HF_TOKEN)", transient: false),
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                new DownloadException(FailureReason.HttpStatus, message, transient: true, RetryAfter.From(response, time.GetUtcNow())),
            _ => new DownloadException(FailureReason.HttpStatus, message, transient: false),
        };
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    // Transient: a proxy's error page or a cut body look like this too.
    private static DownloadException Invalid(Uri url, string why) =>
        new(FailureReason.SourceUnreachable, $"{HttpSource.Redact(url)}: not the JSON the hub API sends: {why}", transient: true);

    [GeneratedRegex("""<(?<url>[^>]+)>\s*;\s*rel="?next"?""", RegexOptions.CultureInvariant)]
    private static partial Regex NextLink();
}

using System.Net;
using System.Net.Http.Headers;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// GET with redirects followed by hand, so the bearer token goes only to the origin it was meant for:
/// never to another host, never from https down to http. A credential is a bearer token, or
/// <c>SCHEME VALUE</c> (a registry's <c>Basic …</c> or the <c>Bearer …</c> its token server issued): a bearer
/// token never holds a space (RFC 6750's b64token), so the two cannot be mistaken.
/// </summary>
internal sealed class HttpSource(HttpClient http)
{
    public const int MaxRedirects = 10;

    public Task<HttpResponseMessage> GetAsync(Uri url, long offset, string? validator, string? bearerToken, CancellationToken ct, long? end = null, string? accept = null) =>
        SendAsync(HttpMethod.Get, url, offset, validator, bearerToken, ct, end, accept);

    /// <summary>The headers of <paramref name="url"/> only: how the failure policy asks cheaply whether a source changed.</summary>
    public Task<HttpResponseMessage> HeadAsync(Uri url, string? bearerToken, CancellationToken ct) =>
        SendAsync(HttpMethod.Head, url, 0, null, bearerToken, ct, end: null, accept: null);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, long offset, string? validator, string? bearerToken, CancellationToken ct, long? end, string? accept)
    {
        var origin = url;
        var current = url;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, current);
            if (offset > 0 || end is not null)
            {
                request.Headers.Range = new RangeHeaderValue(offset, end);
                if (validator is not null)
                {
                    request.Headers.TryAddWithoutValidation("If-Range", validator);
                }
            }

            if (bearerToken is not null && Origin.MayCarryToken(origin, current))
            {
                request.Headers.Authorization = bearerToken.IndexOf(' ', StringComparison.Ordinal) is var space and > 0
                    ? new AuthenticationHeaderValue(bearerToken[..space], bearerToken[(space + 1)..])
                    : new AuthenticationHeaderValue("Bearer", bearerToken);
            }

            if (accept is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept", accept);
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            var location = response.Headers.Location;
            response.Dispose();
            if (location is null || hop >= MaxRedirects)
            {
                throw new DownloadException(FailureReason.HttpStatus, $"too many or broken redirects from {Redact(url)}", transient: false);
            }

            current = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (current.Scheme is not ("http" or "https"))
            {
                throw new DownloadException(FailureReason.HttpStatus, $"redirect to unsupported scheme {current.Scheme}", transient: false);
            }
        }
    }

    /// <summary>URLs are logged without query or user info: signed URLs carry credentials there.</summary>
    public static string Redact(Uri url) =>
        url.IsFile ? url.LocalPath : $"{url.Scheme}://{url.Authority}{url.AbsolutePath}";

    private static bool IsRedirect(HttpStatusCode code) =>
        code is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}

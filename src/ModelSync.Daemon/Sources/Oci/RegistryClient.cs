using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>What a registry GET gave: the body (bounded), its media type and <c>Docker-Content-Digest</c>.</summary>
internal sealed record RegistryAnswer(byte[] Body, string? MediaType, string? DigestHeader);

/// <summary>
/// The registry's small answers (manifests, config blobs) for one repository, authenticating when it answers
/// 401: a Bearer challenge sends the account (or nobody, anonymously) to the token server it names and keeps the
/// token; a Basic challenge sends the account itself. <see cref="Authorization"/> then goes with the layer GETs,
/// to this registry's origin only (<see cref="HttpSource"/> drops it on a redirect to a storage host).
/// </summary>
internal sealed partial class RegistryClient(HttpSource http, Uri registry, string repository, RegistryAccount? account, TimeSpan stallTimeout, TimeProvider time)
{
    /// <summary>The distribution spec lets registries refuse manifests above 4 MiB; nothing larger is read into memory.</summary>
    public const int MaxDocumentBytes = 4 << 20;

    /// <summary>The credential in use, <c>Bearer …</c> or <c>Basic …</c>; null while the registry asked for none.</summary>
    public string? Authorization { get; private set; }

    public Uri Registry => registry;

    public Uri ManifestUrl(string reference) => new(registry, $"v2/{repository}/manifests/{reference}");

    public Uri BlobUrl(string digest) => new(registry, $"v2/{repository}/blobs/{digest}");

    public async Task<RegistryAnswer> GetAsync(Uri url, string? accept, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            // A few KB: a registry that says nothing for stallTimeout is as stuck as a stalled download.
            using var stall = new CancellationTokenSource(stallTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stall.Token);
            try
            {
                using var response = await http.GetAsync(url, 0, null, Authorization, linked.Token, accept: accept);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    var challenge = RegistryChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                    Authorization = await new RegistryLogin(http, registry, repository, account).AuthorizeAsync(challenge, url, linked.Token);
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw await FailureAsync(response, url, linked.Token);
                }

                return new RegistryAnswer(await ReadBoundedAsync(response, url, linked.Token), response.Content.Headers.ContentType?.MediaType,
                    response.Headers.TryGetValues("Docker-Content-Digest", out var digest) ? digest.FirstOrDefault() : null);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new DownloadException(FailureReason.Stalled, $"{HttpSource.Redact(url)}: no answer in {stallTimeout.TotalSeconds:0.#}s", transient: true);
            }
            catch (HttpRequestException ex) when (url.Scheme == Uri.UriSchemeHttps && IsTlsFailure(ex))
            {
                // "The SSL connection could not be established" says nothing about the usual cause: a registry on plain HTTP.
                throw new DownloadException(FailureReason.SourceUnreachable,
                    $"{HttpSource.Redact(url)}: no TLS handshake with {registry.Authority} ({(ex.InnerException ?? ex).Message}); if it serves plain HTTP, list it in sync.insecureRegistries: [{registry.Authority}]",
                    transient: true, inner: ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or HttpIOException or IOException)
            {
                throw new DownloadException(FailureReason.SourceUnreachable, $"{HttpSource.Redact(url)}: {ex.Message}", transient: true, inner: ex);
            }
        }
    }

    /// <summary>The TLS handshake failed (not the connection, not a certificate the caller could name otherwise).</summary>
    private static bool IsTlsFailure(HttpRequestException ex) =>
        ex.HttpRequestError == HttpRequestError.SecureConnectionError || ex.InnerException is System.Security.Authentication.AuthenticationException;

    internal static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, Uri url, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxDocumentBytes)
        {
            throw new DownloadException(FailureReason.SourceInvalid, $"{HttpSource.Redact(url)}: {response.Content.Headers.ContentLength} bytes, more than the {MaxDocumentBytes} a manifest may have", transient: false);
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
            {
                throw new DownloadException(FailureReason.SourceInvalid, $"{HttpSource.Redact(url)}: more than the {MaxDocumentBytes} bytes a manifest may have", transient: false);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Distribution names its errors in the body (<c>{"errors":[{"code":"MANIFEST_UNKNOWN",…}]}</c>): pass the code on.</summary>
    private async Task<DownloadException> FailureAsync(HttpResponseMessage response, Uri url, CancellationToken ct)
    {
        var code = response.StatusCode;
        var text = "";
        try
        {
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status says enough.
        }

        var detail = ErrorCode().Match(text) is { Success: true } m ? m.Groups["code"].Value : code.ToString();
        var message = $"{HttpSource.Redact(url)}: HTTP {(int)code} {detail}";
        return code switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new DownloadException(FailureReason.Unauthorized,
                $"{message} ({(account is null ? "no credentials for" : "the credentials were refused by")} {registry.Authority}: auth.dockerConfigFile or sync.dockerConfigFile)", transient: false),
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                new DownloadException(FailureReason.HttpStatus, message, transient: true, RetryAfter.From(response, time.GetUtcNow())),
            _ => new DownloadException(FailureReason.HttpStatus, message, transient: false),
        };
    }

    internal static DownloadException Invalid(Uri url, string why, bool transient = false) =>
        new(FailureReason.SourceInvalid, $"{HttpSource.Redact(url)}: {why}", transient);

    internal static JsonException? TryParse(byte[] body, out OciManifest? manifest)
    {
        try
        {
            manifest = JsonSerializer.Deserialize(body, OciJsonContext.Default.OciManifest);
            return null;
        }
        catch (JsonException ex)
        {
            manifest = null;
            return ex;
        }
    }

    [GeneratedRegex(@"""code""\s*:\s*""(?<code>[A-Z_]{1,64})""", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCode();
}

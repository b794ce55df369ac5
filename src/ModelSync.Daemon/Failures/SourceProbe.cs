using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Failures;

/// <summary>
/// What a file's source says about it now, without its bytes: the probe its kind gave it
/// (<see cref="ResolvedFile.Probe"/>, e.g. a signed S3 HEAD), else <c>HEAD</c> (ETag, Last-Modified, length;
/// for 401/403/404/410 the status itself) or, for a <c>file://</c> URL, its mtime and size. Null when the
/// source gives nothing that would change with the content; then the backoff alone decides.
/// </summary>
internal sealed class SourceProbe(HttpSource http, TimeSpan timeout)
{
    public async Task<string?> ValidatorAsync(ResolvedFile file, CancellationToken ct)
    {
        var url = file.Spec.Url;
        if (file.Probe is null && url.IsFile)
        {
            var info = new FileInfo(url.LocalPath);
            return info.Exists ? $"mtime={info.LastWriteTimeUtc.Ticks} size={info.Length}" : "missing";
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            if (file.Probe is { } probe)
            {
                return await probe(deadline.Token);
            }

            string? token = file.Credential?.Token;
            using var response = await http.HeadAsync(url, token, deadline.Token);
            var code = (int)response.StatusCode;
            if (code is 401 or 403 or 404 or 410)
            {
                return $"HTTP {code}";
            }

            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var etag = response.Headers.ETag?.ToString();
            var modified = response.Content.Headers.LastModified?.ToString("R");
            return etag is null && modified is null
                ? null
                : $"etag={etag ?? "-"} last-modified={modified ?? "-"} length={response.Content.Headers.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or DownloadException or IOException)
        {
            return null;
        }
    }
}

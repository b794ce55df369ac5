using System.Collections.Concurrent;
using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// One <see cref="AmazonS3Client"/> per endpoint setting, for as long as the container lives (a singleton that
/// <c>AddS3Source()</c> registers): its credential chain (environment, <c>AWS_PROFILE</c> and the shared files,
/// web identity/IRSA, EKS Pod Identity, instance metadata) caches and refreshes credentials, which a client per
/// pass would throw away.
/// </summary>
internal sealed class S3Clients : IDisposable
{
    private readonly ConcurrentDictionary<(Uri? Endpoint, string? Region, bool? PathStyle, Uri? Proxy, TimeSpan Timeout), AmazonS3Client> _clients = new();

    public AmazonS3Client For(SyncSettings sync)
    {
        var s3 = sync.Source<S3Settings>();
        return _clients.GetOrAdd((Endpoint(s3), s3.Region, s3.ForcePathStyle, sync.Proxy, sync.StallTimeout), static key => Create(key.Endpoint, key.Region, key.PathStyle, key.Proxy, key.Timeout));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    /// <summary><c>sync.s3.endpoint</c>, else <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>; null is AWS.</summary>
    public static Uri? Endpoint(S3Settings s3)
    {
        if (s3.Endpoint is not null)
        {
            return s3.Endpoint;
        }

        foreach (var name in (string[])[S3Defaults.EndpointS3Variable, S3Defaults.EndpointVariable])
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } text)
            {
                return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0
                    ? uri
                    : throw new DownloadException(FailureReason.SourceInvalid, $"{name}='{text}' is not an http(s) URL without credentials", transient: false);
            }
        }

        return null;
    }

    private static AmazonS3Client Create(Uri? endpoint, string? region, bool? pathStyle, Uri? proxy, TimeSpan timeout)
    {
        var config = new AmazonS3Config
        {
            // Polly retries every source call (SourceResolution); the SDK's own retries would multiply them.
            MaxErrorRetry = 0,
            Timeout = timeout,
        };
        var named = region ?? FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = named ?? S3Defaults.FallbackRegion;
            config.ForcePathStyle = pathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(named ?? S3Defaults.FallbackRegion);
            config.ForcePathStyle = pathStyle ?? false;
        }

        if (proxy is not null)
        {
            config.SetWebProxy(new WebProxy(proxy));
        }

        return new AmazonS3Client(config);
    }
}

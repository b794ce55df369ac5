using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>One layer of a test artifact: its media type, bytes and annotations.</summary>
public sealed record OciLayer(string MediaType, byte[] Content, IReadOnlyDictionary<string, string>? Annotations = null)
{
    public string Digest => "sha256:" + Infrastructure.Digest.Sha256(Content);
}

/// <summary>
/// Pushes artifacts through the distribution HTTP API, as oras, modctl and kit do: <c>POST /v2/REPO/blobs/uploads/</c>,
/// <c>PUT &lt;Location&gt;&amp;digest=…</c> with the bytes, then <c>PUT /v2/REPO/manifests/TAG</c>.
/// </summary>
public sealed class OciPusher(string origin, string? authorization = null) : IDisposable
{
    public const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    public const string EmptyConfigType = "application/vnd.oci.empty.v1+json";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => _http.Dispose();

    public async Task PushBlobAsync(string repo, byte[] content)
    {
        var digest = "sha256:" + Digest.Sha256(content);
        using var start = Request(HttpMethod.Post, new Uri($"{origin}/v2/{repo}/blobs/uploads/"));
        using var started = await _http.SendAsync(start);
        Expect(started, HttpStatusCode.Accepted, "starting a blob upload");
        var location = started.Headers.Location!;
        var upload = location.IsAbsoluteUri ? location : new Uri(new Uri(origin), location);
        var separator = upload.Query.Length > 0 ? "&" : "?";
        using var put = Request(HttpMethod.Put, new Uri($"{upload}{separator}digest={Uri.EscapeDataString(digest)}"));
        put.Content = new ByteArrayContent(content);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await _http.SendAsync(put);
        Expect(done, HttpStatusCode.Created, $"uploading {digest}");
    }

    /// <summary>PUTs a manifest; returns its digest (the sha256 of exactly these bytes).</summary>
    public async Task<string> PushManifestAsync(string repo, string reference, byte[] manifest, string mediaType = ManifestType)
    {
        using var put = Request(HttpMethod.Put, new Uri($"{origin}/v2/{repo}/manifests/{reference}"));
        put.Content = new ByteArrayContent(manifest);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var done = await _http.SendAsync(put);
        Expect(done, HttpStatusCode.Created, $"putting manifest {repo}:{reference}");
        return "sha256:" + Digest.Sha256(manifest);
    }

    /// <summary>Config and layers uploaded, then an image manifest with <paramref name="artifactType"/>; returns its digest.</summary>
    public async Task<string> PushArtifactAsync(string repo, string tag, string? artifactType, (string MediaType, byte[] Content) config, IReadOnlyList<OciLayer> layers)
    {
        await PushBlobAsync(repo, config.Content);
        foreach (var layer in layers.DistinctBy(l => l.Digest))
        {
            await PushBlobAsync(repo, layer.Content);
        }

        return await PushManifestAsync(repo, tag, ManifestBytes(artifactType, config, layers));
    }

    public static byte[] ManifestBytes(string? artifactType, (string MediaType, byte[] Content) config, IReadOnlyList<OciLayer> layers)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = Descriptor(config.MediaType, config.Content, null),
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)Descriptor(l.MediaType, l.Content, l.Annotations))]),
        };
        if (artifactType is not null)
        {
            manifest["artifactType"] = artifactType;
        }

        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    private static JsonObject Descriptor(string mediaType, byte[] content, IReadOnlyDictionary<string, string>? annotations)
    {
        var descriptor = new JsonObject { ["mediaType"] = mediaType, ["digest"] = "sha256:" + Digest.Sha256(content), ["size"] = content.Length };
        if (annotations is not null)
        {
            descriptor["annotations"] = new JsonObject([.. annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]);
        }

        return descriptor;
    }

    private HttpRequestMessage Request(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{what}: HTTP {(int)response.StatusCode} {response.Content.ReadAsStringAsync().Result}");
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;

namespace ModelSync.Daemon.IntegrationTests.Hub;

/// <summary>One file of a fake hub repository; <paramref name="Lfs"/> files are redirected to a CDN.</summary>
public sealed record HubFile(string Path, byte[] Content, bool Lfs)
{
    public string Sha256 => Digest.Sha256(Content);

    /// <summary>What git names the file by: sha1 over <c>"blob SIZE\0"</c> + content.</summary>
    public static string GitBlobId(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
}

/// <summary>
/// The Hugging Face hub as ModelSync meets it, on the <see cref="FaultServer"/>: the revision API
/// (<c>sha</c>), the tree API paged with <c>Link: rel="next"</c>, and <c>/resolve/</c>, which serves git
/// files itself (ETag = blob id) and redirects LFS files to a CDN on another host with the hub's
/// <c>X-Linked-Etag</c>, <c>X-Linked-Size</c> and <c>X-Repo-Commit</c> headers. The CDN is
/// <paramref name="cdnOrigin"/> (default: the server under another name); a proxy that follows the redirect
/// by IP wants <see cref="FaultServer.SecondHostOrigin"/>.
/// </summary>
public sealed class FakeHub(FaultServer server, string scope, string repo, string? cdnOrigin = null)
{
    /// <summary>Small on purpose, so even a test repository takes several pages.</summary>
    public const int PageSize = 2;

    private static readonly string InfoTemplate = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Hub", "TestData", "model-info.json"));
    private readonly Dictionary<string, string> _revisions = new(StringComparer.Ordinal);

    public string Endpoint => $"{server.Origin}{scope}/";

    public string Repo => repo;

    /// <summary>Answers the revision API instead of the hub when it returns a task (401, 429, 503...).</summary>
    public Func<FaultRequest, Task?>? RevisionFault { get; set; }

    /// <summary>Replaces the tree's <c>Link</c> header (a broken or looping mirror); null keeps the real one.</summary>
    public Func<string, string?>? LinkOverride { get; set; }

    /// <summary>A gated repository: the API and <c>/resolve/</c> answer 401 to any other <c>Authorization</c>.</summary>
    public string? GatedToken { get; set; }

    /// <summary>Bytes served instead of a file's listed content: a hub or CDN that lies.</summary>
    public Dictionary<string, byte[]> Tampered { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<RecordedRequest> Requests => server.Requests(scope);

    public string RevisionPath(string revision) => $"{scope}/api/models/{repo}/revision/{revision}";

    public string ResolvePath(string commit, string file) => $"{scope}/{repo}/resolve/{commit}/{file}";

    /// <summary>A new commit with <paramref name="files"/>, which <paramref name="revision"/> now points to.</summary>
    public string Commit(string revision, IReadOnlyList<HubFile> files)
    {
        var commit = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        _revisions[revision] = commit;
        server.Route(RevisionPath(revision), r => Revision(r, revision, files));
        server.Route(RevisionPath(commit), r => Revision(r, commit, files));
        server.Route($"{scope}/api/models/{repo}/tree/{commit}", r => Tree(r, commit, files));
        foreach (var file in files)
        {
            server.Route(ResolvePath(commit, file.Path), r => Resolve(r, commit, file));
            server.Route($"{scope}/cdn/{file.Sha256}", r => r.ServeAsync(Served(file), etag: $"\"{file.Sha256}\""));
        }

        return commit;
    }

    private Task Revision(FaultRequest r, string revision, IReadOnlyList<HubFile> files)
    {
        if (RevisionFault?.Invoke(r) is { } fault)
        {
            return fault;
        }

        if (Refused(r))
        {
            return r.Status(401);
        }

        var info = JsonNode.Parse(InfoTemplate)!.AsObject();
        var commit = _revisions.GetValueOrDefault(revision, revision);
        info["id"] = repo;
        info["modelId"] = repo;
        info["sha"] = commit;
        info["siblings"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject { ["rfilename"] = f.Path })]);
        return Json(r, info.ToJsonString());
    }

    private Task Tree(FaultRequest r, string commit, IReadOnlyList<HubFile> files)
    {
        if (Refused(r))
        {
            return r.Status(401);
        }

        var query = r.Context.Request.Query;
        Assert.Equal("true", query["recursive"]);
        var page = int.Parse(query["cursor"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
        var entries = Entries(files).Skip(page * PageSize).Take(PageSize).ToList();
        var link = (page + 1) * PageSize < Entries(files).Count()
            ? $"<{Endpoint}api/models/{repo}/tree/{commit}?recursive=true&cursor={page + 1}>; rel=\"next\""
            : null;
        if (LinkOverride is not null)
        {
            link = LinkOverride(r.Context.Request.QueryString.Value ?? "");
        }

        if (link is not null)
        {
            r.Response.Headers.Link = link;
        }

        return Json(r, new JsonArray([.. entries]).ToJsonString());
    }

    /// <summary>Directories too, as the real tree lists them; the client must skip them.</summary>
    private static IEnumerable<JsonNode> Entries(IReadOnlyList<HubFile> files)
    {
        var dirs = files.Select(f => Path.GetDirectoryName(f.Path)!).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal);
        foreach (var dir in dirs)
        {
            yield return new JsonObject { ["type"] = "directory", ["oid"] = new string('d', 40), ["size"] = 0, ["path"] = dir };
        }

        foreach (var f in files)
        {
            if (!f.Lfs)
            {
                yield return new JsonObject { ["type"] = "file", ["oid"] = HubFile.GitBlobId(f.Content), ["size"] = f.Content.Length, ["path"] = f.Path };
                continue;
            }

            var pointer = Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{f.Sha256}\nsize {f.Content.Length}\n");
            yield return new JsonObject
            {
                ["type"] = "file",
                ["oid"] = HubFile.GitBlobId(pointer),
                ["size"] = f.Content.Length,
                ["lfs"] = new JsonObject { ["oid"] = f.Sha256, ["size"] = f.Content.Length, ["pointerSize"] = pointer.Length },
                ["xetHash"] = Convert.ToHexStringLower(SHA256.HashData(pointer)),
                ["path"] = f.Path,
            };
        }
    }

    private Task Resolve(FaultRequest r, string commit, HubFile file)
    {
        if (Refused(r))
        {
            return r.Status(401);
        }

        r.Response.Headers["X-Repo-Commit"] = commit;
        if (!file.Lfs)
        {
            return r.ServeAsync(Served(file), etag: $"\"{HubFile.GitBlobId(file.Content)}\"");
        }

        r.Response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
        r.Response.Headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
        r.Response.Headers.ETag = $"\"{file.Sha256}\"";
        r.Response.Headers.Location = $"{cdnOrigin ?? server.OtherHostOrigin}{scope}/cdn/{file.Sha256}?X-Amz-Expires=3600&X-Amz-Signature={RandomNumberGenerator.GetHexString(16, lowercase: true)}";
        return r.Status(302);
    }

    private bool Refused(FaultRequest r) => GatedToken is not null && r.Record.Authorization != $"Bearer {GatedToken}";

    private byte[] Served(HubFile file) => Tampered.GetValueOrDefault(file.Path, file.Content);

    private static async Task Json(FaultRequest r, string json)
    {
        r.Response.ContentType = "application/json; charset=utf-8";
        // The hub sends its rate-limit state on every API answer.
        r.Response.Headers["RateLimit"] = "\"api\";r=499;t=300";
        await r.WriteAsync(Encoding.UTF8.GetBytes(json));
    }
}

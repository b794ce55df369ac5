using System.IO.Enumeration;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary>
/// Turns a <c>source: hf://…</c> model into an ordinary one: the revision's commit is the version, and
/// every selected file of that commit is listed with the digest the hub keeps for it (sha256 for LFS
/// files, the git blob id for the rest). Downloads then go to <c>/{repo}/resolve/{commit}/{path}</c>,
/// so the bytes are those of the commit even if the branch moves while they flow.
/// </summary>
internal sealed class HubResolver(HubClient client)
{
    public async Task<ModelSpec> ResolveAsync(ModelSpec model, string? token, CancellationToken ct)
    {
        var hub = (model.Source as HubSpec)?.Reference ?? throw new ArgumentException($"{model.Name} has no hub source", nameof(model));
        var commit = await client.CommitAsync(hub, token, ct);
        var tree = await client.FilesAsync(hub, commit, token, ct);
        var files = tree.Where(e => e.Path is not null && Selected(e.Path, hub)).Select(e => ToFile(e, hub, commit)).ToList();
        // The rules a manifest's own list must pass (docs/manifest.md) hold for the hub's list too.
        var byCase = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            if (!byCase.TryAdd(file.Path, file.Path))
            {
                throw Refused(hub, commit, $"lists '{byCase[file.Path]}' and '{file.Path}', which differ only by case");
            }
        }

        if (files.Count == 0)
        {
            throw new DownloadException(FailureReason.SourceInvalid,
                $"{hub} at {commit}: include/exclude leave none of its {tree.Count} files", transient: false);
        }

        return model with { Version = commit, Files = files };
    }

    /// <summary>huggingface_hub's rule: kept when it matches an include (or there are none) and no exclude.</summary>
    internal static bool Selected(string path, HubReference hub) =>
        (hub.Include.Count == 0 || hub.Include.Any(p => FileSystemName.MatchesSimpleExpression(p, path, ignoreCase: false)))
        && !hub.Exclude.Any(p => FileSystemName.MatchesSimpleExpression(p, path, ignoreCase: false));

    private FileSpec ToFile(HubTreeEntry entry, HubReference hub, string commit)
    {
        var path = entry.Path!;
        if ((SafePath.CheckRelative(path) ?? StoreLayout.ReservedProblem(path)) is { } unsafePath)
        {
            throw Refused(hub, commit, $"lists '{path}', which cannot be stored: {unsafePath}");
        }

        var size = entry.Lfs?.Size ?? entry.Size;
        if (size < 0)
        {
            throw Refused(hub, commit, $"gives '{path}' a size of {size}");
        }

        var sha256 = entry.Lfs?.Oid;
        var blob = entry.Lfs is null ? entry.Oid : null;
        if (entry.Lfs is not null ? !IsHex(sha256, 64) : !IsHex(blob, 40))
        {
            throw Refused(hub, commit, $"gives '{path}' no usable digest (lfs.oid '{sha256}', oid '{entry.Oid}')");
        }

        var downloadBase = new Uri(client.Endpoint, $"{hub.Repo}/resolve/{commit}/");
        return new FileSpec
        {
            Path = path,
            Url = SourceUrl.Resolve(downloadBase, path),
            Size = size,
            Sha256 = sha256,
            GitBlobSha1 = blob,
        };
    }

    private static bool IsHex(string? text, int length) => text is not null && text.Length == length && text.All(char.IsAsciiHexDigitLower);

    private static DownloadException Refused(HubReference hub, string commit, string what) =>
        new(FailureReason.SourceInvalid, $"{hub} at {commit} {what}", transient: false);
}

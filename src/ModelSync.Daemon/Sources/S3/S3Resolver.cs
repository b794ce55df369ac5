using System.IO.Enumeration;
using Amazon.S3;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// A <c>source: s3://…</c> model as the engine fetches it: list (or HEAD the one key), select with
/// include/exclude, HEAD each object for what vouches for it (<see cref="S3Verification"/>), derive the
/// version from the listing (<see cref="S3Version"/>). Each file's bytes come by presigned GET.
/// </summary>
internal sealed class S3Resolver(IAmazonS3 s3, S3Heads headsSeen, Uri? endpoint, TimeProvider time, ILogger logger)
{
    public async Task<ResolvedModel> ResolveAsync(ModelSpec model, string sourceKey, CancellationToken ct)
    {
        var wanted = model.Source as S3Spec ?? throw new ArgumentException($"{model.Name} has no s3 source", nameof(model));
        var source = wanted.Reference;
        var client = new S3Client(s3);
        var listed = source.IsPrefix
            ? await client.ListAsync(source, ct)
            : [await ListedOne(client, source, ct)];
        var selected = listed.Select(o => (Path: source.PathOf(o.Key), Object: o)).Where(o => o.Path.Length > 0 && Selected(o.Path, source)).ToList();
        if (selected.Count == 0)
        {
            throw new DownloadException(FailureReason.SourceInvalid,
                $"{source}: {(listed.Count == 0 ? "no objects there" : $"include/exclude leave none of its {listed.Count} objects")}", transient: false);
        }

        CheckPaths(source, selected.Select(o => o.Path));
        var heads = new S3Head[selected.Count];
        var endpointKey = endpoint?.AbsoluteUri ?? s3.Config.RegionEndpoint?.SystemName ?? "";
        await Parallel.ForEachAsync(Enumerable.Range(0, selected.Count), new ParallelOptions { MaxDegreeOfParallelism = S3Defaults.HeadsInFlight, CancellationToken = ct },
            async (i, c) => heads[i] = await headsSeen.GetAsync(client, endpointKey, source.Bucket, selected[i].Object, source.VersionId, c));

        var presigner = new S3Presigner(s3, endpoint, time);
        var digests = wanted.Digests.ToDictionary(d => d.Path, StringComparer.Ordinal);
        var files = new List<ResolvedFile>(selected.Count);
        for (var i = 0; i < selected.Count; i++)
        {
            var (path, head) = (selected[i].Path, heads[i]);
            var (bucket, key, versionId) = (source.Bucket, head.Key, head.VersionId);
            var name = S3Client.Name(bucket, key);
            // Signed once here only to learn the object's URL; the engine signs again for every request.
            var url = S3Presigner.UnsignedUrl(await presigner.PresignAsync(bucket, key, versionId, ct), versionId);
            var spec = S3Verification.Apply(new FileSpec { Path = path, Url = url, Size = head.Size, RecordSha256 = true }, head, digests.GetValueOrDefault(path), wanted.VerifySizeOnly, name);
            LogCheck(model.Name, name, spec);
            files.Add(new ResolvedFile(spec, Credential.Signing(c => presigner.PresignAsync(bucket, key, versionId, c)))
            {
                Origin = name,
                Probe = S3ChangeProbe.For(client, bucket, key, versionId),
            });
        }

        var version = S3Version.Of(selected.Select((o, i) => (o.Path, heads[i])));
        return new ResolvedModel { Name = model.Name, Version = version, Source = sourceKey, Files = files };
    }

    private void LogCheck(string model, string name, FileSpec spec)
    {
        if (spec.SourceChecksum is { } check)
        {
            S3Log.S3VerifiedBy(logger, model, name, check.What);
        }
        else if (spec.Sha256 is null && spec.Xxh128 is null)
        {
            S3Log.S3SizeOnly(logger, model, name);
        }
        else
        {
            S3Log.S3VerifiedBy(logger, model, name, spec.Sha256 is null ? "xxh128 (manifest)" : "sha256");
        }
    }

    /// <summary>As for <c>hf://</c>: kept when it matches an include (or there are none) and no exclude.</summary>
    internal static bool Selected(string path, S3Reference source) =>
        (source.Include.Count == 0 || source.Include.Any(p => FileSystemName.MatchesSimpleExpression(p, path, ignoreCase: false)))
        && !source.Exclude.Any(p => FileSystemName.MatchesSimpleExpression(p, path, ignoreCase: false));

    private static async Task<S3Listed> ListedOne(S3Client client, S3Reference source, CancellationToken ct)
    {
        var head = await client.HeadAsync(source.Bucket, source.Prefix, source.VersionId, ct);
        return new S3Listed(head.Key, head.Size, head.ETag);
    }

    /// <summary>The rules a manifest's own list must pass hold for a bucket's keys too (docs/manifest.md).</summary>
    private static void CheckPaths(S3Reference source, IEnumerable<string> paths)
    {
        var byCase = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            if ((SafePath.CheckRelative(path) ?? StoreLayout.ReservedProblem(path)) is { } problem)
            {
                throw new DownloadException(FailureReason.SourceInvalid, $"{S3Client.Name(source.Bucket, source.Prefix + path)} cannot be stored as '{path}': {problem}", transient: false);
            }

            if (!byCase.TryAdd(path, path))
            {
                throw new DownloadException(FailureReason.SourceInvalid, $"{source} lists '{byCase[path]}' and '{path}', which differ only by case", transient: false);
            }
        }
    }
}

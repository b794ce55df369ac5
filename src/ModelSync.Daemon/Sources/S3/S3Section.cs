using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Digests;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>What an S3 source says in the manifest: a model whose version and files come from an S3 listing, and <c>sync.s3</c>.</summary>
internal static class S3Section
{
    public static ModelSpec ReadModel(MappingReader m, string name)
    {
        S3Reference? s3 = null;
        if (S3Reference.TryParse(m.String("source")!, out s3) is { } problem)
        {
            m.Problems.Add(m.Get("source")!, m.Field("source"), problem);
        }

        ModelFields.RefuseListingKeys(m, key => key == "version"
            ? "not with source: the version is derived from the listing (keys, sizes, ETags, version ids)"
            : "not with source: the bucket lists the objects (narrow them with include/exclude; give digests under digests:)");
        if (m.Get("auth") is { } auth)
        {
            m.Problems.Add(auth, m.Field("auth"), "not with source: s3://: credentials come from the AWS credential chain (docs/sources.md, \"S3\")");
        }

        var verify = m.String("verify");
        if (verify is not null and not "size")
        {
            m.Problems.Add(m.Get("verify")!, m.Field("verify"), $"the only value is 'size' (accept an object nothing vouches for on its size), got '{verify}'");
        }

        var include = ModelFields.ReadPatterns(m, "include");
        var exclude = ModelFields.ReadPatterns(m, "exclude");
        var digests = ReadDigests(m);
        m.ReportUnknownKeys();
        // An invalid reference leaves a placeholder: the manifest is refused for the problem reported above.
        var reference = (s3 ?? new S3Reference("", "", null)) with { Include = include, Exclude = exclude };
        return new ModelSpec { Name = name, Version = "", Source = new S3Spec(reference, digests, verify == "size"), Files = [] };
    }

    /// <summary><c>sync.s3</c>: endpoint, region, forcePathStyle; all may be left out.</summary>
    public static S3Settings ReadSettings(MappingReader? m)
    {
        if (m is null)
        {
            return new S3Settings();
        }

        var region = m.String("region");
        if (region is not null && (region.Length is 0 or > 32 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            m.Problems.Add(m.Get("region")!, m.Field("region"), $"must be a region name such as us-east-1 (lowercase letters, digits, '-'), got '{region}'");
        }

        var pathStyle = m.String("forcePathStyle");
        if (pathStyle is not null and not ("true" or "false"))
        {
            m.Problems.Add(m.Get("forcePathStyle")!, m.Field("forcePathStyle"), $"must be true or false, got '{pathStyle}'");
        }

        var settings = new S3Settings { Endpoint = SyncSectionReader.ReadUrl(m, "endpoint"), Region = region, ForcePathStyle = pathStyle is null ? null : pathStyle == "true" };
        m.ReportUnknownKeys();
        return settings;
    }

    /// <summary><c>digests: [{ path, sha256 | xxh128 }]</c>: what the manifest vouches for, by path in the model.</summary>
    private static List<KnownDigest> ReadDigests(MappingReader m)
    {
        var digests = new List<KnownDigest>();
        if (m.Get("digests") is not { } node)
        {
            return digests;
        }

        if (node is not YSequence list)
        {
            m.Problems.Add(node, m.Field("digests"), $"must be a list, not {node.Kind}");
            return digests;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (MappingReader.AsMapping(list.Items[i], $"{m.Field("digests")}[{i}]", m.Problems) is not { } d)
            {
                continue;
            }

            var path = d.String("path", required: true);
            if (path is not null && (SafePath.CheckRelative(path) is { } bad || !seen.Add(path)))
            {
                d.Problems.Add(d.Get("path")!, d.Field("path"), SafePath.CheckRelative(path) ?? $"duplicate path '{path}'");
            }

            var sha256 = FileSectionReader.ReadDigest(d, "sha256", DigestFormat.Sha256HexLength, DigestFormat.IsSha256);
            var xxh128 = FileSectionReader.ReadDigest(d, "xxh128", DigestFormat.Xxh128HexLength, DigestFormat.IsXxh128);
            if (d.Get("sha256") is null && d.Get("xxh128") is null && d.Misspelt("sha256") is null && d.Misspelt("xxh128") is null)
            {
                d.Problems.Add(d.Node, d.Path, "needs at least one digest: sha256 or xxh128");
            }

            d.ReportUnknownKeys();
            digests.Add(new KnownDigest(path ?? "", sha256, xxh128));
        }

        return digests;
    }
}

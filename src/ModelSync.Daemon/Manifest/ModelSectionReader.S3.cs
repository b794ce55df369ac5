using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Digests;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Manifest;

/// <summary>A model whose version and files come from an S3 listing (<c>source: s3://…</c>).</summary>
internal static partial class ModelSectionReader
{
    // A property, not a field: HubOnlyKeys (the other file) is initialised from it, and partial files have no init order.
    private static string[] S3OnlyKeys => ["verify", "digests"];

    private static ModelSpec ReadS3Model(MappingReader m, string name)
    {
        S3Reference? s3 = null;
        if (S3Reference.TryParse(m.String("source")!, out s3) is { } problem)
        {
            m.Problems.Add(m.Get("source")!, m.Field("source"), problem);
        }

        foreach (var key in ListingKeys)
        {
            if (m.Get(key) is { } node)
            {
                m.Problems.Add(node, m.Field(key), key == "version"
                    ? "not with source: the version is derived from the listing (keys, sizes, ETags, version ids)"
                    : "not with source: the bucket lists the objects (narrow them with include/exclude; give digests under digests:)");
            }
        }

        if (m.Get("auth") is { } auth)
        {
            m.Problems.Add(auth, m.Field("auth"), "not with source: s3://: credentials come from the AWS credential chain (docs/sources.md, \"S3\")");
        }

        var verify = m.String("verify");
        if (verify is not null and not "size")
        {
            m.Problems.Add(m.Get("verify")!, m.Field("verify"), $"the only value is 'size' (accept an object nothing vouches for on its size), got '{verify}'");
        }

        var include = ReadPatterns(m, "include");
        var exclude = ReadPatterns(m, "exclude");
        var digests = ReadDigests(m);
        m.ReportUnknownKeys();
        return new ModelSpec
        {
            Name = name,
            Version = "",
            S3 = s3 is null ? null : s3 with { Include = include, Exclude = exclude },
            Digests = digests,
            VerifySizeOnly = verify == "size",
            Files = [],
        };
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

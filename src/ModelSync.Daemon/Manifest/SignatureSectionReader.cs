using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Manifest;

/// <summary>A model's <c>signature:</c> mapping: <c>bundle</c>, then exactly one of <c>publicKey</c> and
/// <c>certificateChain</c>, each problem at its line:col. The key and CA files are only path-checked here
/// (like <c>auth</c> files: a Secret may be mounted after the manifest is validated); they are read at sync.</summary>
internal static class SignatureSectionReader
{
    public const string Key = "signature";

    public static SignatureSpec? Read(MappingReader model, ModelReading reading)
    {
        if (model.Get(Key) is null)
        {
            if (reading.Sync.RequireSignatures && model.Misspelt(Key) is null)
            {
                model.Problems.Add(model.Node, model.Field(Key), "is required: sync.requireSignatures is true");
            }

            return null;
        }

        if (model.Mapping(Key) is not { } m)
        {
            return null;
        }

        var spec = ReadBundle(m, reading.Sync.AllowedFileRoots);
        var publicKey = ModelFields.ReadAbsolutePath(m, "publicKey");
        var chain = ModelFields.ReadAbsolutePath(m, "certificateChain");
        if (m.Get("publicKey") is not null && m.Get("certificateChain") is not null)
        {
            m.Problems.Add(m.Get("certificateChain")!, m.Field("certificateChain"), "give exactly one of publicKey (method key) and certificateChain (method certificate), not both");
        }
        else if (m.Get("publicKey") is null && m.Get("certificateChain") is null && m.Misspelt("publicKey") is null && m.Misspelt("certificateChain") is null)
        {
            m.Problems.Add(m.Node, m.Field("publicKey"), "is required (or certificateChain): the key or the CA certificates the model must be signed with");
        }

        m.ReportUnknownKeys();
        return spec with { PublicKeyFile = publicKey, CertificateChainFile = publicKey is null ? chain : null };
    }

    private static SignatureSpec ReadBundle(MappingReader m, IReadOnlyList<string> fileRoots)
    {
        if (m.String("bundle") is not { } text)
        {
            return new SignatureSpec();
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            var problem = SourceUrl.Check(text, out var uri);
            problem ??= FileRoots.Check(uri!, fileRoots);
            if (problem is null)
            {
                return new SignatureSpec { BundlePath = null, BundleUrl = uri };
            }

            m.Problems.Add(m.Get("bundle")!, m.Field("bundle"), problem);
            return new SignatureSpec();
        }

        if ((SafePath.CheckRelative(text) ?? StoreLayout.ReservedProblem(text)) is { } unsafePath)
        {
            m.Problems.Add(m.Get("bundle")!, m.Field("bundle"), $"must be a path in the model's source or an absolute URL: {unsafePath}");
            return new SignatureSpec();
        }

        return new SignatureSpec { BundlePath = text };
    }
}

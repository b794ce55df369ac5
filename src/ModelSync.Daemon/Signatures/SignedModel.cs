using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Signatures;

/// <summary>
/// One model held to its OMS signature. Before a byte of the model is fetched: the bundle is fetched and its
/// envelope verified with the manifest's trust anchor, files the signature leaves out are dropped, and a file it
/// does not list, or lists with another sha256 than the source gives, fails the model. After the fetch, every
/// file about to be published is checked against the signed sha256 the engine computed while streaming (never
/// a second read). Every failure is <see cref="FailureReason.SignatureInvalid"/>.
/// </summary>
internal sealed class SignedModel
{
    private readonly string _name;
    private readonly SignatureSpec _spec;
    private readonly ITrustAnchor _anchor;
    private readonly SignedStatement _statement;
    private readonly List<string> _ignored = [];

    private SignedModel(string name, SignatureSpec spec, ITrustAnchor anchor, byte[] bundle, SignedStatement statement, string signer, DateTimeOffset at, bool subset)
    {
        (_name, _spec, _anchor, Bundle, _statement) = (name, spec, anchor, bundle, statement);
        Record = new SignatureRecord
        {
            Method = spec.Method,
            Signer = signer,
            BundleSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bundle)),
            VerifiedAt = at,
            SignedFiles = statement.Files.Count,
            Subset = subset,
        };
    }

    public byte[] Bundle { get; }

    public SignatureRecord Record { get; private set; }

    /// <summary>The resolved files without the ones a signed version never publishes (the bundle, the git files,
    /// and the paths its published marker recorded as left out), so a published version is recognised without
    /// fetching the bundle again.</summary>
    public static ResolvedModel WithoutUnsigned(ResolvedModel model, SignatureSpec spec, ModelMarker? published)
    {
        var ignored = published?.Signature?.Ignored ?? [];
        var own = new SignedStatement("", "files", new Dictionary<string, SignedFile>(), ignored);
        return model with { Files = [.. model.Files.Where(f => f.Unpack is not null || !own.Ignores(f.Spec.Path, spec.BundlePath))] };
    }

    /// <summary>Fetches and verifies the bundle (throws <see cref="DownloadException"/>).</summary>
    public static async Task<SignedModel> OpenAsync(BundleFetch fetch, ModelSpec spec, ResolvedModel resolved, DateTimeOffset now, CancellationToken ct)
    {
        var signature = spec.Signature!;
        var anchor = Fail(spec.Name, signature, null, () => Anchor(signature));
        var bytes = await FailAsync(spec.Name, signature, anchor, () => fetch.FetchAsync(resolved, spec, signature, ct));
        var subset = resolved.Source is { } key && (key.Contains("include=", StringComparison.Ordinal) || key.Contains("exclude=", StringComparison.Ordinal));
        return Verify(spec.Name, signature, anchor, bytes, now, subset);
    }

    /// <summary>The bundle's envelope verified with <paramref name="anchor"/> at <paramref name="now"/>, and its statement read.</summary>
    public static SignedModel Verify(string name, SignatureSpec signature, ITrustAnchor anchor, byte[] bytes, DateTimeOffset now, bool subset) =>
        Fail(name, signature, anchor, () =>
        {
            var bundle = SignatureBundle.Parse(bytes);
            var signer = anchor.Verify(bundle, now);
            return new SignedModel(name, signature, anchor, bytes, SignedStatement.Parse(bundle.Payload), signer, now, subset);
        });

    /// <summary>What to fetch: the files the signature lists, each asked to record its sha256; the rest left out or
    /// refused. <paramref name="listing"/> is what the source listed, for the record of what was left out.</summary>
    public ResolvedModel Select(ResolvedModel model, ResolvedModel listing) => Fail(_name, _spec, _anchor, () =>
    {
        _ignored.AddRange(listing.Files.Where(f => f.Unpack is null && f.Spec.Path != _spec.BundlePath && _statement.Ignores(f.Spec.Path, _spec.BundlePath)).Select(f => f.Spec.Path));
        var kept = new List<ResolvedFile>();
        foreach (var file in model.Files)
        {
            if (file.Unpack is not null)
            {
                kept.Add(file); // a layer's files are checked once unpacked
                continue;
            }

            if (_statement.Ignores(file.Spec.Path, _spec.BundlePath))
            {
                continue;
            }

            var signed = Signed(file.Spec.Path);
            if ((file.Spec.Sha256 is { } listed && signed.Sha256 is { } sha256 && listed != sha256) || (signed.Size is { } size && size != file.Spec.Size))
            {
                throw new SignatureException("digest", $"{file.Spec.Path}: the source gives sha256 {file.Spec.Sha256} ({file.Spec.Size} bytes), the signature {signed.Sha256 ?? "shards"}{(signed.Size is { } s ? $" ({s} bytes)" : "")}") { File = file.Spec.Path };
            }

            kept.Add(file.Spec.Sha256 is null ? file with { Spec = file.Spec with { RecordSha256 = true } } : file);
        }

        return model with { Files = kept };
    });

    /// <summary>The files to publish, each one signed with the sha256 computed for it; throws otherwise.</summary>
    public IReadOnlyList<FileEntry> Check(IReadOnlyList<FileEntry> files) => Fail(_name, _spec, _anchor, () =>
    {
        var published = new List<FileEntry>();
        foreach (var file in files)
        {
            if (_statement.Ignores(file.Path, _spec.BundlePath))
            {
                _ignored.Add(file.Path); // only from an unpacked layer: listed files were left out before the fetch
                continue;
            }

            var signed = Signed(file.Path);
            if (signed.Sha256 is null)
            {
                throw new SignatureException("shards", $"{file.Path} is signed in {signed.Shards.Count} shards: checking them needs a second read of the file, which is not supported (sign with the files method)") { File = file.Path };
            }

            if (file.Sha256 != signed.Sha256)
            {
                throw new SignatureException("digest", $"{file.Path}: sha256 {file.Sha256 ?? "not computed"}, signed {signed.Sha256}") { File = file.Path };
            }

            published.Add(file);
        }

        var missing = _statement.Files.Keys.Except(published.Select(f => f.Path), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 && !Record.Subset)
        {
            throw new SignatureException("files", $"{missing.Count} signed file(s) not in the source, first '{missing[0]}' (an include/exclude would verify the model on a subset)") { File = missing[0] };
        }

        Record = Record with { Ignored = [.. _ignored.Distinct().Order(StringComparer.Ordinal)] };
        return published;
    });

    private SignedFile Signed(string path) =>
        _statement.Files.TryGetValue(path, out var signed)
            ? signed
            : throw new SignatureException("unsigned", $"{path} is not signed (the signature lists {_statement.Files.Count} files)") { File = path };

    /// <summary>The block's key or CA file, read now (a rotated Secret counts at the next sync).</summary>
    public static ITrustAnchor Anchor(SignatureSpec spec)
    {
        var file = spec.PublicKeyFile ?? spec.CertificateChainFile!;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SignatureException(spec.PublicKeyFile is null ? "certificateChain" : "publicKey", $"cannot read {file}: {ex.Message}");
        }

        return spec.PublicKeyFile is not null ? new KeyAnchor(file, bytes) : new CertificateAnchor(file, System.Text.Encoding.ASCII.GetString(bytes));
    }

    private static T Fail<T>(string name, SignatureSpec spec, ITrustAnchor? anchor, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (SignatureException ex)
        {
            throw Described(name, spec, anchor, ex);
        }
    }

    private static async Task<T> FailAsync<T>(string name, SignatureSpec spec, ITrustAnchor? anchor, Func<Task<T>> check)
    {
        try
        {
            return await check();
        }
        catch (SignatureException ex)
        {
            throw Described(name, spec, anchor, ex);
        }
    }

    private static DownloadException Described(string name, SignatureSpec spec, ITrustAnchor? anchor, SignatureException ex) =>
        DownloadException.SignatureInvalid(
            $"model {name}: signature {spec.Bundle}: {ex.Check}: {ex.Message}; expected signer: {anchor?.Expected ?? (spec.PublicKeyFile ?? spec.CertificateChainFile)}", ex.File);
}

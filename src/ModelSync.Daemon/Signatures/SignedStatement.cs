using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ModelSync.Store.IO;

namespace ModelSync.Daemon.Signatures;

/// <summary>
/// The in-toto statement of an OMS v1.0 signature, read only after its envelope verified: the files it signs
/// with their sha256, and the paths the signer left out (<c>ignore_paths</c>). Reads the <c>files</c>
/// serialization and the <c>shards</c> one as the reference writes it (<c>path:start:end</c> resources,
/// algorithm <c>sha256-sharded-SIZE</c>); a file in one shard is signed by its sha256.
/// </summary>
internal sealed record SignedStatement(string ModelName, string Method, IReadOnlyDictionary<string, SignedFile> Files, IReadOnlyList<string> IgnorePaths)
{
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string PredicateType = "https://model_signing/signature/v1.0";

    /// <summary>Paths model_signing ignores unless told otherwise (its git paths), besides the signature itself.</summary>
    public static readonly string[] DefaultIgnores = [".git", ".gitattributes", ".github", ".gitignore"];

    public static SignedStatement Parse(byte[] payload)
    {
        StatementJson statement;
        try
        {
            statement = JsonSerializer.Deserialize(payload, BundleJsonContext.Default.StatementJson)
                ?? throw new SignatureException("statement", "is JSON null");
        }
        catch (JsonException ex)
        {
            throw new SignatureException("statement", $"is not an in-toto statement (bad JSON: {ex.Message})");
        }

        Expect(statement.Type, StatementType, "_type");
        Expect(statement.PredicateType, PredicateType, "predicateType");
        var subject = statement.Subject is [{ } one] ? one : throw new SignatureException("subject", $"has {statement.Subject?.Count ?? 0} entries, expected 1");
        var serialization = statement.Predicate?.Serialization ?? throw new SignatureException("predicate.serialization", "is missing");
        Expect(serialization.HashType, "sha256", "serialization.hash_type");
        var algorithm = serialization.Method switch
        {
            "files" => "sha256",
            "shards" => $"sha256-sharded-{ShardSize(serialization.ShardSize)}",
            _ => throw new SignatureException("serialization.method", $"is '{serialization.Method}', expected files or shards"),
        };

        var resources = statement.Predicate.Resources ?? throw new SignatureException("predicate.resources", "is missing");
        var root = new List<byte>();
        var shards = new Dictionary<string, List<Shard>>(StringComparer.Ordinal);
        foreach (var (resource, i) in resources.Select((r, i) => (r, i)))
        {
            Expect(resource.Algorithm, algorithm, $"resources[{i}].algorithm");
            var digest = resource.Digest is { Length: 64 } hex && hex.All(char.IsAsciiHexDigitLower)
                ? hex
                : throw new SignatureException($"resources[{i}].digest", $"is '{resource.Digest}', not a lowercase sha256");
            root.AddRange(Convert.FromHexString(digest));
            var (path, shard) = serialization.Method == "files" ? (resource.Name, new Shard(0, -1, digest)) : ParseShard(resource.Name, digest, i);
            if (path == ".")
            {
                throw new SignatureException($"resources[{i}].name", "is '.': a signature of a single file, not of a model directory, is not supported");
            }

            if (SafePath.CheckRelative(path) is { } problem)
            {
                throw new SignatureException($"resources[{i}].name", problem) { File = path };
            }

            var list = shards.TryGetValue(path!, out var known) ? known : shards[path!] = [];
            if (serialization.Method == "files" ? list.Count > 0 : list.Any(s => s.Start == shard.Start))
            {
                throw new SignatureException($"resources[{i}].name", $"'{resource.Name}' is listed twice") { File = path };
            }

            list.Add(shard);
        }

        // The subject's digest is sha256 over every resource digest in order: a statement whose list was edited
        // without it is inconsistent (the reference refuses it too).
        var rootDigest = Convert.ToHexStringLower(SHA256.HashData(root.ToArray()));
        if (subject.Digest?.GetValueOrDefault("sha256") != rootDigest)
        {
            throw new SignatureException("subject.digest", $"is {subject.Digest?.GetValueOrDefault("sha256") ?? "missing"}, but the resources hash to {rootDigest}");
        }

        var files = shards.ToDictionary(p => p.Key, p => SignedFile.Of(p.Key, p.Value), StringComparer.Ordinal);
        return new SignedStatement(subject.Name ?? "", serialization.Method!, files, serialization.IgnorePaths ?? []);
    }

    /// <summary>True when <paramref name="path"/> is, or is below, a path the signer left out (or a default one).</summary>
    public bool Ignores(string path, string? bundlePath) =>
        IgnorePaths.Concat(DefaultIgnores).Append(bundlePath ?? "").Where(p => p.Length > 0).Select(p => p.TrimStart('.', '/').Length == 0 ? p : p.TrimEnd('/'))
            .Select(p => p.StartsWith("./", StringComparison.Ordinal) ? p[2..] : p)
            .Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal));

    private static void Expect(string? actual, string expected, string field)
    {
        if (actual != expected)
        {
            throw new SignatureException(field, $"is '{actual}', expected '{expected}'");
        }
    }

    private static long ShardSize(double? size) =>
        size is { } s && s >= 1 && s == Math.Floor(s) && s < long.MaxValue ? (long)s : throw new SignatureException("serialization.shard_size", $"is '{size}', not a positive integer");

    private static (string? Path, Shard Shard) ParseShard(string? name, string digest, int i)
    {
        var parts = name?.Split(':') ?? [];
        return parts.Length == 3 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var end) && end >= start
            ? (parts[0], new Shard(start, end, digest))
            : throw new SignatureException($"resources[{i}].name", $"'{name}' is not PATH:START:END");
    }
}

internal sealed record Shard(long Start, long End, string Sha256);

/// <summary>One signed file: its sha256 when the signature gives it for the whole file (files, or a single
/// shard from 0), else its shards; <see cref="Size"/> when the shards say it.</summary>
internal sealed record SignedFile(string Path, string? Sha256, long? Size, IReadOnlyList<Shard> Shards)
{
    public static SignedFile Of(string path, List<Shard> shards)
    {
        var ordered = shards.OrderBy(s => s.Start).ToList();
        if (ordered is [{ End: -1 } whole])
        {
            return new SignedFile(path, whole.Sha256, null, ordered);
        }

        // Shards must tile the file from 0 with no gap or overlap; their end is the file's size.
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Start != (i == 0 ? 0 : ordered[i - 1].End))
            {
                throw new SignatureException("resources", $"the shards of '{path}' do not cover it from 0 without gaps") { File = path };
            }
        }

        return new SignedFile(path, ordered.Count == 1 ? ordered[0].Sha256 : null, ordered[^1].End, ordered);
    }
}

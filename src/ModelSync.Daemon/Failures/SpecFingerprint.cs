using System.Security.Cryptography;
using System.Text.Json.Serialization;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Failures;

/// <summary>
/// A short digest of everything that decides how a model is fetched: its whole manifest entry (every field of
/// every source kind, serialized, so a field added to <see cref="ModelSpec"/> is covered without a line here),
/// the <c>sync</c> settings a source reads, and the content of the credential files the entry names. A parked or
/// backed-off model whose entry, settings or credentials an operator fixed is tried again at once.
/// </summary>
internal static class SpecFingerprint
{
    public static string Of(ModelSpec spec, SyncSettings sync)
    {
        var subject = new FingerprintSubject(
            spec,
            new SourceSettings(sync.HfEndpoint, sync.HfFallback, sync.S3, sync.AllowedFileRoots, sync.InsecureRegistries, sync.DockerConfigFile, sync.Proxy),
            [.. new[] { spec.BearerTokenFile, spec.DockerConfigFile, sync.DockerConfigFile }.OfType<string>().Select(ContentOf)]);
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(subject, FingerprintJsonContext.Default.FingerprintSubject);
        return Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 12));
    }

    /// <summary>A credential's digest (never the credential): a rotated token or a fixed Secret counts as a change.</summary>
    private static string ContentOf(string path)
    {
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }
}

/// <summary>The <c>sync</c> settings a source reads when it resolves or fetches.</summary>
internal sealed record SourceSettings(
    Uri? HfEndpoint, Uri? HfFallback, S3Settings S3, IReadOnlyList<string> AllowedFileRoots, IReadOnlyList<string> InsecureRegistries, string? DockerConfigFile, Uri? Proxy);

internal sealed record FingerprintSubject(ModelSpec Spec, SourceSettings Settings, IReadOnlyList<string> Credentials);

[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(FingerprintSubject))]
internal sealed partial class FingerprintJsonContext : JsonSerializerContext;

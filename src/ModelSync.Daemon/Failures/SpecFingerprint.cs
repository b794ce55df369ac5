using System.Security.Cryptography;
using System.Text.Json.Serialization;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Failures;

/// <summary>
/// A short digest of everything that decides how a model is fetched: the shared part of its entry (name, version,
/// files) and of <c>sync</c> (<c>proxy</c>, <c>allowedFileRoots</c>), what its source's kind says is its identity
/// (<see cref="SourceSpec.Identity"/>: every field of the kind's record and the settings it reads), and the content
/// of the credential files the kind names. A parked or backed-off model whose entry, settings or credentials an
/// operator fixed is tried again at once.
/// </summary>
internal static class SpecFingerprint
{
    public static string Of(ModelSpec spec, SyncSettings sync)
    {
        var identity = spec.Source.Identity(sync);
        var subject = new FingerprintSubject(
            spec.Name,
            spec.Version,
            spec.Files,
            new SharedSettings(sync.AllowedFileRoots, sync.Proxy),
            // A signature block (and the content of its key or CA file) decides what is accepted: fixing it lifts a park.
            spec.Signature is { } signature ? $"{identity.Json}|signature {signature.Bundle} {signature.PublicKeyFile}{signature.CertificateChainFile}" : identity.Json,
            [.. identity.CredentialFiles.Concat(new[] { spec.Signature?.PublicKeyFile, spec.Signature?.CertificateChainFile }.OfType<string>()).Select(ContentOf)]);
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

/// <summary>The <c>sync</c> settings every source's files go through.</summary>
internal sealed record SharedSettings(IReadOnlyList<string> AllowedFileRoots, Uri? Proxy);

internal sealed record FingerprintSubject(
    string Name, string Version, IReadOnlyList<FileSpec> Files, SharedSettings Settings, string Source, IReadOnlyList<string> Credentials);

[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(FingerprintSubject))]
internal sealed partial class FingerprintJsonContext : JsonSerializerContext;

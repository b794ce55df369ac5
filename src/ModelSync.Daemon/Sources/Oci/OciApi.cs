using System.Text.Json.Serialization;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>A content descriptor (OCI image-spec descriptor.md): what a manifest says of its config, layers or children.</summary>
internal sealed record OciDescriptor
{
    public string? MediaType { get; init; }

    public string? Digest { get; init; }

    public long Size { get; init; }

    public string? ArtifactType { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }

    /// <summary>Set on an image index's children.</summary>
    public OciPlatform? Platform { get; init; }
}

internal sealed record OciPlatform
{
    public string? Architecture { get; init; }

    public string? Os { get; init; }
}

/// <summary>An OCI image manifest or index, or Docker's v2 manifest or manifest list: the same fields where they meet.</summary>
internal sealed record OciManifest
{
    public int SchemaVersion { get; init; }

    public string? MediaType { get; init; }

    public string? ArtifactType { get; init; }

    public OciDescriptor? Config { get; init; }

    public List<OciDescriptor>? Layers { get; init; }

    /// <summary>Only in an index or manifest list.</summary>
    public List<OciDescriptor>? Manifests { get; init; }
}

/// <summary>The token server's answer (distribution docs/spec/auth/token.md): <c>token</c>, or OAuth2's <c>access_token</c>.</summary>
internal sealed record RegistryTokenAnswer
{
    public string? Token { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }
}

/// <summary>A docker <c>config.json</c>: only <c>auths</c> is read (no credential helpers on a node).</summary>
internal sealed record DockerConfigDocument
{
    public Dictionary<string, DockerConfigAuth>? Auths { get; init; }
}

internal sealed record DockerConfigAuth
{
    /// <summary>base64 of <c>user:password</c>.</summary>
    public string? Auth { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OciManifest))]
[JsonSerializable(typeof(RegistryTokenAnswer))]
[JsonSerializable(typeof(DockerConfigDocument))]
internal sealed partial class OciJsonContext : JsonSerializerContext;

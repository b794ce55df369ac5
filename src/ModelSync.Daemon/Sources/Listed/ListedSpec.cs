using System.Text.Json;
using System.Text.Json.Serialization;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Listed;

/// <summary>A model whose manifest entry lists its files (<see cref="ModelSpec.Files"/>): where relative paths are
/// fetched from, and the token file sent with them.</summary>
public sealed record ListedSpec(Uri? BaseUrl, string? BearerTokenFile) : SourceSpec
{
    public override string? Key => null;

    public override string Written => "";

    /// <summary>The entry's base URL and token file; its files, version and <c>sync.allowedFileRoots</c> are
    /// the shared part of the fingerprint.</summary>
    public override SourceIdentity Identity(SyncSettings sync) =>
        new(JsonSerializer.Serialize(this, ListedIdentityJsonContext.Default.ListedSpec), [.. new[] { BearerTokenFile }.OfType<string>()]);
}

[JsonSerializable(typeof(ListedSpec))]
internal sealed partial class ListedIdentityJsonContext : JsonSerializerContext;

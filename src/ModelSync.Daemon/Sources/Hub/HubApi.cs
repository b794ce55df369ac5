using System.Text.Json.Serialization;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary><c>GET /api/models/{repo}/revision/{revision}</c>: only the commit is used.</summary>
internal sealed record HubModelInfo
{
    public string? Id { get; init; }

    /// <summary>The commit the revision points to now.</summary>
    public string? Sha { get; init; }
}

/// <summary>One element of <c>GET /api/models/{repo}/tree/{commit}?recursive=true</c>.</summary>
internal sealed record HubTreeEntry
{
    /// <summary><c>file</c> or <c>directory</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The git blob id (sha1 over <c>"blob SIZE\0"</c> + content); for an LFS file, of its pointer.</summary>
    public string? Oid { get; init; }

    public long Size { get; init; }

    public string? Path { get; init; }

    public HubLfs? Lfs { get; init; }
}

/// <summary>Present for files stored in LFS (weights): <see cref="Oid"/> is the sha256 of the content.</summary>
internal sealed record HubLfs
{
    public string? Oid { get; init; }

    public long Size { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HubModelInfo))]
[JsonSerializable(typeof(List<HubTreeEntry>))]
internal sealed partial class HubJsonContext : JsonSerializerContext;

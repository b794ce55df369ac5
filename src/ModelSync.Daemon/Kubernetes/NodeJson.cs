using System.Text.Json.Serialization;

namespace ModelSync.Daemon.Kubernetes;

/// <summary>Of a node object (<c>/api/v1/nodes/NAME</c>), the one field the daemon reads: its labels.</summary>
internal sealed record NodeObject(NodeMetadata? Metadata);

internal sealed record NodeMetadata(Dictionary<string, string>? Labels);

/// <summary>
/// Source-generated for just these records. The client's own context covers every API type (about 850): used once, it
/// roots JSON code for all of them, 15–20 MB of type data resident in every daemon process (bench/CATALOG.md, "Memory").
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NodeObject))]
internal sealed partial class NodeJsonContext : JsonSerializerContext;

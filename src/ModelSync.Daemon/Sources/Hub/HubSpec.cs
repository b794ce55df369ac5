using System.Text.Json;
using System.Text.Json.Serialization;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary><c>source: hf://ORG/REPO@REV</c> with its include/exclude, and the token file for the hub.</summary>
public sealed record HubSpec(HubReference Reference, string? BearerTokenFile) : SourceSpec
{
    public override string? Key => Reference.Key;

    public override string Written => Reference.ToString();

    /// <summary>The reference with its filters, the token file and <c>sync.hfEndpoint</c>/<c>hfFallback</c>.</summary>
    public override SourceIdentity Identity(SyncSettings sync) =>
        new(JsonSerializer.Serialize(new HubIdentity(this, sync.Source<HubSettings>()), HubIdentityJsonContext.Default.HubIdentity), [.. new[] { BearerTokenFile }.OfType<string>()]);
}

/// <summary><c>sync.hfEndpoint</c> and <c>sync.hfFallback</c>.</summary>
public sealed record HubSettings : SourceSettings
{
    /// <summary>The Hugging Face hub for <c>hf://</c> sources; null means <c>HF_ENDPOINT</c>, else huggingface.co.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Where <c>hf://</c> sources resolve when <see cref="Endpoint"/> (an in-cluster cache) does not
    /// answer: null fails the pass naming the endpoint (<c>hfFallback: fail</c>, the default).</summary>
    public Uri? Fallback { get; init; }
}

internal sealed record HubIdentity(HubSpec Spec, HubSettings Settings);

[JsonSerializable(typeof(HubIdentity))]
internal sealed partial class HubIdentityJsonContext : JsonSerializerContext;

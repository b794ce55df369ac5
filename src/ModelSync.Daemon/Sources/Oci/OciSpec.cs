using System.Text.Json;
using System.Text.Json.Serialization;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary><c>source: oci://…</c> or <c>ollama://…</c> with its include/exclude, and the model's own docker config.</summary>
/// <param name="DockerConfigFile">A docker <c>config.json</c> (what a <c>kubernetes.io/dockerconfigjson</c> Secret
/// holds) for this model's registry; read at resolution time, never logged. Overrides <see cref="OciSettings.DockerConfigFile"/>.</param>
public sealed record OciSpec(OciReference Reference, string? DockerConfigFile) : SourceSpec
{
    public override string? Key => Reference.Key;

    public override string Written => Reference.ToString();

    /// <summary>The reference with its filters, both docker configs and <c>sync.insecureRegistries</c>.</summary>
    public override SourceIdentity Identity(SyncSettings sync)
    {
        var settings = sync.Source<OciSettings>();
        return new(JsonSerializer.Serialize(new OciIdentity(this, settings), OciIdentityJsonContext.Default.OciIdentity),
            [.. new[] { DockerConfigFile, settings.DockerConfigFile }.OfType<string>()]);
    }
}

/// <summary>The <c>sync:</c> keys of <c>oci://</c> sources.</summary>
public sealed record OciSettings : SourceSettings
{
    /// <summary><c>HOST[:PORT]</c> of registries <c>oci://</c> sources reach over plain HTTP; every other one over https.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>A docker <c>config.json</c> with registry credentials for every <c>oci://</c> model of the node.</summary>
    public string? DockerConfigFile { get; init; }
}

internal sealed record OciIdentity(OciSpec Spec, OciSettings Settings);

[JsonSerializable(typeof(OciIdentity))]
internal sealed partial class OciIdentityJsonContext : JsonSerializerContext;

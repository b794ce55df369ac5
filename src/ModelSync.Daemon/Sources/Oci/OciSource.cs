using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>
/// <c>source: oci://HOST[:PORT]/REPO:TAG|@sha256:…</c> and <c>ollama://MODEL:TAG</c>: the tag's manifest digest names
/// the version, every selected layer is a file whose blob digest is its sha256 (<see cref="OciResolver"/>). https
/// unless the registry is in <c>sync.insecureRegistries</c>; the account comes from the model's docker config, else the node's.
/// </summary>
internal sealed class OciSource(SyncSettings sync, HttpSource http, TimeProvider time) : ISourceResolver
{
    /// <summary>Placeholder version of a registry model that failed before its tag resolved.</summary>
    public const string Unresolved = "unresolved";

    public bool Handles(ModelSpec model) => model.Oci is not null;

    public string? SourceKey(ModelSpec model) => model.Oci!.Key;

    public string UnresolvedVersion(ModelSpec model) =>
        model.Oci!.Digest is { } digest ? "sha256-" + digest["sha256:".Length..] : Unresolved;

    public async Task<ResolvedModel> ResolveAsync(ModelSpec model, CancellationToken ct)
    {
        var oci = model.Oci!;
        var insecure = sync.InsecureRegistries.Contains(oci.Registry, StringComparer.OrdinalIgnoreCase);
        var registry = new Uri($"{(insecure ? "http" : "https")}://{oci.Registry}/");
        var account = model.DockerConfigFile is { } own
            ? DockerConfig.Find(own, oci.Registry, "auth.dockerConfigFile")
            : DockerConfig.Find(sync.DockerConfigFile, oci.Registry, "sync.dockerConfigFile");
        var client = new RegistryClient(http, registry, oci.Repository, account, sync.StallTimeout, time);
        return await new OciResolver(client).ResolveAsync(model, oci, oci.Key, ct);
    }
}

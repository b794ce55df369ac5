using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>
/// <c>source: oci://HOST[:PORT]/REPO:TAG|@sha256:…</c> and <c>ollama://MODEL:TAG</c>: the tag's manifest digest names
/// the version, every selected layer is a file whose blob digest is its sha256 (<see cref="OciResolver"/>). https
/// unless the registry is in <c>sync.insecureRegistries</c>; the account comes from the model's docker config, else the node's.
/// </summary>
internal sealed class OciSource(OciSettings settings, TimeSpan stallTimeout, HttpSource http, TimeProvider time) : ISourceResolver
{
    /// <summary>Placeholder version of a registry model that failed before its tag resolved.</summary>
    public const string Unresolved = "unresolved";

    public bool Handles(ModelSpec model) => model.Source is OciSpec;

    public string? SourceKey(ModelSpec model) => Spec(model).Key;

    public string UnresolvedVersion(ModelSpec model) =>
        Spec(model).Reference.Digest is { } digest ? "sha256-" + digest["sha256:".Length..] : Unresolved;

    public async Task<ResolvedModel> ResolveAsync(ModelSpec model, CancellationToken ct)
    {
        var spec = Spec(model);
        var oci = spec.Reference;
        var insecure = settings.InsecureRegistries.Contains(oci.Registry, StringComparer.OrdinalIgnoreCase);
        var registry = new Uri($"{(insecure ? "http" : "https")}://{oci.Registry}/");
        var account = spec.DockerConfigFile is { } own
            ? DockerConfig.Find(own, oci.Registry, "auth.dockerConfigFile")
            : DockerConfig.Find(settings.DockerConfigFile, oci.Registry, "sync.dockerConfigFile");
        var client = new RegistryClient(http, registry, oci.Repository, account, stallTimeout, time);
        return await new OciResolver(client).ResolveAsync(model, oci, oci.Key, ct);
    }

    private static OciSpec Spec(ModelSpec model) => (OciSpec)model.Source;
}

using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Listed;

/// <summary>
/// A model whose manifest entry lists its files (http, https or file URLs, each with size and digests): the
/// version is the manifest's, nothing is asked of the network. The bearer token goes only to the origin of
/// the model's <c>baseUrl</c>; without a <c>baseUrl</c> every url was written next to the auth, so each may carry it.
/// </summary>
internal sealed class ListedSource : ISourceResolver
{
    public bool Handles(ModelSpec model) => model.Source is ListedSpec;

    public string? SourceKey(ModelSpec model) => null;

    public string UnresolvedVersion(ModelSpec model) => model.Version;

    public Task<ResolvedModel> ResolveAsync(ModelSpec model, CancellationToken ct)
    {
        var listed = (ListedSpec)model.Source;
        var credential = listed.BearerTokenFile is null ? null : new Credential(() => BearerToken.Read(listed.BearerTokenFile));
        var files = model.Files
            .Select(f => new ResolvedFile(f, listed.BaseUrl is null || Origin.MayCarryToken(listed.BaseUrl, f.Url) ? credential : null))
            .ToList();
        return Task.FromResult(new ResolvedModel { Name = model.Name, Version = model.Version, Files = files });
    }
}

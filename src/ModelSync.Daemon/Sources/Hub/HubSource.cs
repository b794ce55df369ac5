using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary>
/// <c>source: hf://ORG/REPO@REV</c>: the revision's commit is the version, every selected file of that commit
/// is listed with the hub's digest for it (<see cref="HubResolver"/>), and the token goes to the hub's origin only.
/// A silent endpoint is retried at <c>sync.hfFallback</c> when one is set (<see cref="HubFallback"/>).
/// </summary>
internal sealed class HubSource(HubSettings settings, TimeSpan stallTimeout, HttpSource http, TimeProvider time, ILogger logger) : ISourceResolver
{
    /// <summary>Placeholder version of a hub model that failed before its revision resolved.</summary>
    public const string Unresolved = "unresolved";

    public bool Handles(ModelSpec model) => model.Source is HubSpec;

    public string? SourceKey(ModelSpec model) => Spec(model).Key;

    public string UnresolvedVersion(ModelSpec model) =>
        Store.Validation.Names.IsVersion(Spec(model).Reference.Revision) ? Spec(model).Reference.Revision : Unresolved;

    private static HubSpec Spec(ModelSpec model) => (HubSpec)model.Source;

    public async Task<ResolvedModel> ResolveAsync(ModelSpec model, CancellationToken ct)
    {
        var endpoint = HubDefaults.EndpointFor(settings);
        try
        {
            return await ResolveAtAsync(model, endpoint, ct);
        }
        catch (DownloadException ex) when (HubFallback.IsDown(ex) && !ct.IsCancellationRequested)
        {
            if (settings.Fallback is not { } fallback || Origin.Same(fallback, endpoint))
            {
                throw HubFallback.NoFallback(endpoint, ex);
            }

            HubLog.HubFallingBack(logger, model.Name, HttpSource.Redact(endpoint), ex.Reason.ToString(), ex.Message, HttpSource.Redact(fallback));
            try
            {
                return await ResolveAtAsync(model, fallback, ct);
            }
            catch (DownloadException second) when (!ct.IsCancellationRequested)
            {
                throw HubFallback.BothDown(endpoint, ex, fallback, second);
            }
        }
    }

    /// <summary>The model resolved at one hub; its files are fetched from there, with the token that hub may have.</summary>
    private async Task<ResolvedModel> ResolveAtAsync(ModelSpec model, Uri endpoint, CancellationToken ct)
    {
        var token = HubToken.Find(Spec(model).BearerTokenFile, endpoint);
        var resolver = new HubResolver(new HubClient(http, endpoint, stallTimeout, time));
        var resolved = await resolver.ResolveAsync(model, token, ct);
        var credential = token is null ? null : Credential.Of(token);
        var files = resolved.Files
            .Select(f => new ResolvedFile(f, Origin.MayCarryToken(endpoint, f.Url) ? credential : null))
            .ToList();
        return new ResolvedModel { Name = model.Name, Version = resolved.Version, Source = SourceKey(model), Files = files };
    }
}

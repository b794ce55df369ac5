using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.Hub;

/// <summary>
/// The token for the hub, found where huggingface_hub looks: the model's <c>auth.bearerTokenFile</c>
/// first (the manifest is explicit), then <c>HF_TOKEN</c>, <c>HF_TOKEN_PATH</c>, <c>$HF_HOME/token</c> and
/// <c>~/.cache/huggingface/token</c>. None at all is fine: public repositories need none.
/// A token from the environment belongs to the hub the environment names (<c>HF_ENDPOINT</c> or
/// huggingface.co): a manifest that points <c>sync.hfEndpoint</c> elsewhere gets it only by naming a
/// token file itself, so editing a ConfigMap cannot send the node's token to another host.
/// </summary>
internal static class HubToken
{
    public static string? Find(string? bearerTokenFile, Uri endpoint)
    {
        if (bearerTokenFile is not null)
        {
            return Read(bearerTokenFile, "auth.bearerTokenFile");
        }

        var ambient = HubDefaults.AmbientEndpoint();
        if (!Origin.Same(ambient, endpoint))
        {
            return null;
        }

        if (Environment.GetEnvironmentVariable(HubDefaults.TokenVariable) is { Length: > 0 } token)
        {
            return token.Trim();
        }

        if (Environment.GetEnvironmentVariable(HubDefaults.TokenPathVariable) is { Length: > 0 } path)
        {
            return Read(path, HubDefaults.TokenPathVariable);
        }

        var home = Environment.GetEnvironmentVariable(HubDefaults.HomeVariable) is { Length: > 0 } hfHome
            ? hfHome
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
        var fallback = Path.Combine(home, "token");
        return File.Exists(fallback) ? Read(fallback, "the huggingface_hub token file") : null;
    }

    private static string Read(string path, string what) => BearerToken.Read(path, what)!;
}

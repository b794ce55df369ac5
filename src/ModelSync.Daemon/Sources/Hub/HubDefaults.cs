namespace ModelSync.Daemon.Sources.Hub;

/// <summary>The names huggingface_hub users already know, so the same environment works here.</summary>
internal static class HubDefaults
{
    /// <summary>The Hugging Face hub itself: what <c>sync.hfFallback: origin</c> falls back to.</summary>
    public const string Endpoint = "https://huggingface.co";
    public const string FallbackFail = "fail";
    public const string FallbackOrigin = "origin";
    public const string EndpointVariable = "HF_ENDPOINT";
    public const string TokenVariable = "HF_TOKEN";
    public const string TokenPathVariable = "HF_TOKEN_PATH";
    public const string HomeVariable = "HF_HOME";

    /// <summary><c>sync.hfEndpoint</c>, else <see cref="AmbientEndpoint"/>.</summary>
    public static Uri EndpointFor(HubSettings settings) => settings.Endpoint ?? AmbientEndpoint();

    /// <summary>The hub the node's environment names: <c>HF_ENDPOINT</c>, else huggingface.co.</summary>
    public static Uri AmbientEndpoint()
    {
        if (Environment.GetEnvironmentVariable(EndpointVariable) is not { Length: > 0 } env)
        {
            return new Uri(Endpoint);
        }

        return Uri.TryCreate(env, UriKind.Absolute, out var fromEnv) && fromEnv.Scheme is "http" or "https" && fromEnv.UserInfo.Length == 0
            ? fromEnv
            : throw new Downloads.DownloadException(Downloads.FailureReason.SourceInvalid, $"{EndpointVariable}='{env}' is not an http(s) URL without credentials", transient: false);
    }
}

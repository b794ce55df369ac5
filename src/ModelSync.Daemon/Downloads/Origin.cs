namespace ModelSync.Daemon.Downloads;

/// <summary>The one origin rule: which host a credential belongs to and where it may go.</summary>
internal static class Origin
{
    /// <summary>Same scheme, host and port: the same origin as browsers mean it.</summary>
    public static bool Same(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && MayCarryToken(a, b) && MayCarryToken(b, a);

    /// <summary>A token meant for <paramref name="origin"/> may go to <paramref name="target"/>: the same host and
    /// port, never from https down to http (an upgrade to https is fine).</summary>
    public static bool MayCarryToken(Uri origin, Uri target) =>
        string.Equals(origin.Host, target.Host, StringComparison.OrdinalIgnoreCase)
        && origin.Port == target.Port
        && !(origin.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp);
}

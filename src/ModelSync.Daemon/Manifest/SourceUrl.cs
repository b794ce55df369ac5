namespace ModelSync.Daemon.Manifest;

/// <summary>Rules for source URLs (<c>baseUrl</c>, <c>url</c>, <c>proxy</c>) and how a file's URL is resolved.</summary>
public static class SourceUrl
{
    private static readonly string[] SourceSchemes = ["http", "https", "file"];
    private static readonly string[] ProxySchemes = ["http", "https"];

    /// <summary>What <see cref="Uri.EscapeDataString(string)"/> leaves as it is (RFC 3986 unreserved), and '/'.</summary>
    private static readonly System.Buffers.SearchValues<char> Unescaped =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/");

    /// <summary>Null when <paramref name="text"/> is an acceptable source URL, else why not.</summary>
    internal static string? Check(string text, out Uri? uri, bool proxy = false)
    {
        var schemes = proxy ? ProxySchemes : SourceSchemes;
        uri = null;
        // On Unix, Uri also accepts "/some/path" as an implicit file URI; demand the scheme in writing.
        var scheme = text.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? text[..colon] : "";
        if (!schemes.Contains(scheme, StringComparer.OrdinalIgnoreCase)
            || !Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            return $"must be an absolute {(proxy ? "http or https" : "http, https or file")} URL, got '{text}'";
        }

        if (parsed.Scheme != Uri.UriSchemeFile && parsed.Host.Length == 0)
        {
            return $"has no host: '{text}'";
        }

        if (parsed.UserInfo.Length > 0)
        {
            // Credentials in a URL end up in logs and error messages; tokens belong in auth.bearerTokenFile.
            return "must not contain credentials (user:password@); use auth.bearerTokenFile";
        }

        if (parsed.Fragment.Length > 0)
        {
            return $"must not have a #fragment: '{text}'";
        }

        uri = parsed;
        return null;
    }

    /// <summary>A base URL always ends with '/', so a file path is appended, never replaces the last segment.</summary>
    internal static Uri AsBase(Uri baseUrl) =>
        baseUrl.AbsolutePath.EndsWith('/') ? baseUrl : new UriBuilder(baseUrl) { Path = baseUrl.AbsolutePath + "/" }.Uri;

    /// <summary>
    /// <paramref name="baseUrl"/> + <paramref name="relativePath"/>, each path segment URL-escaped so that
    /// names with spaces, '#', '?' or '%' reach the server as themselves.
    /// </summary>
    public static Uri Resolve(Uri baseUrl, string relativePath)
    {
        // Most paths need no escaping ("model.safetensors"): spare them the split and join.
        var escaped = relativePath.AsSpan().ContainsAnyExcept(Unescaped)
            ? string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString))
            : relativePath;
        return new Uri(AsBase(baseUrl), escaped);
    }
}

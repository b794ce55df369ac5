using System.Net;
using System.Text.Json;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>
/// Answers a registry's 401 challenge (distribution docs/spec/auth/token.md): for <c>Bearer</c>, a GET of the
/// realm with <c>service</c> and <c>scope</c> (pull on this repository when the challenge names none), the
/// account as Basic when there is one, anonymously otherwise; for <c>Basic</c>, the account itself. The account
/// never goes from an https registry to a plain-http realm.
/// </summary>
internal sealed class RegistryLogin(HttpSource http, Uri registry, string repository, RegistryAccount? account)
{
    public async Task<string> AuthorizeAsync(RegistryChallenge? challenge, Uri url, CancellationToken ct)
    {
        var where = HttpSource.Redact(url);
        if (challenge is null)
        {
            throw Refused($"{where}: HTTP 401 without a WWW-Authenticate challenge");
        }

        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return account?.Basic ?? throw Refused($"{where}: HTTP 401, {registry.Authority} wants Basic auth and no docker config has an auths entry for it (auth.dockerConfigFile or sync.dockerConfigFile)");
        }

        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw Refused($"{where}: HTTP 401 asks for {challenge.Scheme} auth, which is not supported (Bearer token flow or Basic)");
        }

        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || realm.Scheme is not ("http" or "https")
            || (registry.Scheme == Uri.UriSchemeHttps && realm.Scheme == Uri.UriSchemeHttp) || realm.UserInfo.Length > 0)
        {
            throw Refused($"{where}: the token realm '{challenge.Realm}' is not an http(s) URL on a scheme at least as safe as the registry's");
        }

        var scope = challenge.Parameters.GetValueOrDefault("scope") ?? $"repository:{repository}:pull";
        var query = string.Join('&', new[] { ("service", challenge.Parameters.GetValueOrDefault("service")), ("scope", scope) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        var tokenUrl = new UriBuilder(realm) { Query = realm.Query.Length > 1 ? $"{realm.Query[1..]}&{query}" : query }.Uri;
        using var response = await http.GetAsync(tokenUrl, 0, null, account?.Basic, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var transient = response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
            var message = $"token server {HttpSource.Redact(tokenUrl)}: HTTP {(int)response.StatusCode} for {scope}" +
                (account is null ? " (anonymous: no docker config has an auths entry for this registry)" : $" (as {account.Username})");
            throw new DownloadException(transient ? FailureReason.HttpStatus : FailureReason.Unauthorized, message, transient);
        }

        RegistryTokenAnswer? answer;
        try
        {
            answer = JsonSerializer.Deserialize(await RegistryClient.ReadBoundedAsync(response, tokenUrl, ct), OciJsonContext.Default.RegistryTokenAnswer);
        }
        catch (JsonException ex)
        {
            throw RegistryClient.Invalid(tokenUrl, $"not a token server's JSON: {ex.Message}", transient: true);
        }

        var token = answer?.Token is { Length: > 0 } t ? t : answer?.AccessToken;
        return token is { Length: > 0 } && !token.Any(char.IsWhiteSpace)
            ? "Bearer " + token
            : throw RegistryClient.Invalid(tokenUrl, "the token server's answer has no usable token or access_token", transient: true);
    }

    private static DownloadException Refused(string message) => new(FailureReason.Unauthorized, message, transient: false);
}

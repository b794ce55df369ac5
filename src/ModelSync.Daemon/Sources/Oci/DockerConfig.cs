using System.Text;
using System.Text.Json;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>An account at one registry: sent as Basic to a registry with htpasswd auth, or to its token server.</summary>
internal sealed record RegistryAccount(string Username, string Password)
{
    public string Basic => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    public override string ToString() => $"{Username}:***";
}

/// <summary>
/// Credentials from a docker <c>config.json</c> (what a <c>kubernetes.io/dockerconfigjson</c> Secret holds):
/// the <c>auths</c> entry of the registry's <c>HOST[:PORT]</c> (written bare or as an https URL, as docker login
/// writes them). Read when a model resolves, never logged; no entry is anonymous, an unreadable file fails the model.
/// </summary>
internal static class DockerConfig
{
    public static RegistryAccount? Find(string? path, string registry, string what)
    {
        if (path is null)
        {
            return null;
        }

        DockerConfigDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(File.ReadAllBytes(path), OciJsonContext.Default.DockerConfigDocument);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // The message of a JsonException names a line and position, never the content.
            throw new DownloadException(FailureReason.Unauthorized, $"cannot read {what} {path}: {ex.Message}", transient: false);
        }

        var entry = document?.Auths?.FirstOrDefault(a => string.Equals(HostOf(a.Key), registry, StringComparison.OrdinalIgnoreCase)).Value;
        if (entry is null)
        {
            return null;
        }

        if (entry.Username is { Length: > 0 } user && entry.Password is { } password)
        {
            return new RegistryAccount(user, password);
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(entry.Auth ?? ""));
        }
        catch (FormatException)
        {
            throw new DownloadException(FailureReason.Unauthorized, $"{what} {path}: auths[\"{registry}\"].auth is not base64", transient: false);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? new RegistryAccount(decoded[..colon], decoded[(colon + 1)..])
            : throw new DownloadException(FailureReason.Unauthorized, $"{what} {path}: auths[\"{registry}\"] has no user:password", transient: false);
    }

    /// <summary><c>https://host:port/v1/</c> → <c>host:port</c>; a bare <c>host:port</c> stays.</summary>
    private static string HostOf(string key)
    {
        var rest = key.Contains("://", StringComparison.Ordinal) ? key[(key.IndexOf("://", StringComparison.Ordinal) + 3)..] : key;
        return rest.Split('/')[0];
    }
}

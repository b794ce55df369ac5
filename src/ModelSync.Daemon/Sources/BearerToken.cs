using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources;

/// <summary>The one reader of token files: read when a model starts syncing, trimmed, never logged.</summary>
internal static class BearerToken
{
    /// <summary>The token in <paramref name="path"/>; null when no file is named. An unreadable file fails the
    /// model as <see cref="FailureReason.Unauthorized"/>, naming the file and <paramref name="what"/> named it.</summary>
    public static string? Read(string? path, string what = "auth.bearerTokenFile")
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DownloadException(FailureReason.Unauthorized, $"cannot read {what} {path}: {ex.Message}", transient: false);
        }
    }
}

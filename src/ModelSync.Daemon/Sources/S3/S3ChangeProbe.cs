using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.S3;

/// <summary>
/// The S3 kind's change probe (<see cref="ResolvedFile.Probe"/>): a signed HEAD through the SDK. A HEAD of the
/// object's unsigned URL, what other kinds' files get, is refused by S3 whatever the object, so a parked S3 model
/// would never see its object change.
/// </summary>
internal static class S3ChangeProbe
{
    public static Func<CancellationToken, Task<string?>> For(S3Client client, string bucket, string key, string? versionId) => async ct =>
    {
        try
        {
            var head = await client.HeadAsync(bucket, key, versionId, ct);
            return $"etag={head.Tag} version={head.VersionId ?? "-"} length={head.Size}";
        }
        catch (DownloadException ex)
        {
            // As a HEAD's 401/403/404: a lasting answer is a state of the source; a transient one says nothing.
            return ex.Transient ? null : ex.Reason.ToString();
        }
    };
}

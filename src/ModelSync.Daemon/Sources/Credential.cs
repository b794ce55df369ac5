namespace ModelSync.Daemon.Sources;

/// <summary>
/// A bearer token read when the first byte has to be fetched, once per resolution: a model already published
/// never needs it, so a token file being rotated (missing for a moment) cannot fail a Ready model.
/// </summary>
internal sealed class Credential(Func<string?> read)
{
    private readonly Lazy<string?> _token = new(read, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The token; throws what reading it threw (<see cref="Downloads.DownloadException"/>, Unauthorized).</summary>
    public string? Token => _token.Value;

    /// <summary>Gives a freshly signed URL for each request (an S3 presigned GET); null for a bearer token.</summary>
    public Func<CancellationToken, Task<Uri>>? Presign { get; private init; }

    /// <summary>A token already at hand (the source needed it to resolve).</summary>
    public static Credential Of(string? token) => new(() => token);

    /// <summary>No token: every request goes to a URL <paramref name="presign"/> signs when it is made.</summary>
    public static Credential Signing(Func<CancellationToken, Task<Uri>> presign) => new(() => null) { Presign = presign };
}

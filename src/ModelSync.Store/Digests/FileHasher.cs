using System.Buffers;

namespace ModelSync.Store.Digests;

/// <summary>Hashes whole files with large sequential reads (verify, scrub, gate <c>--verify full</c>).</summary>
public static class FileHasher
{
    public const int BufferSize = 1 << 20;

    /// <param name="afterRead">Called with each read's size once it is hashed: lets a caller hold the reads
    /// to a rate (the daemon's scrub), paying for what was read.</param>
    /// <param name="gitBlobLength">As <see cref="ContentDigest"/>'s: set to also compute the git blob id.</param>
    public static DigestResult Hash(string path, DigestKind kinds, CancellationToken cancellationToken = default, Action<int>? afterRead = null, int chunkSize = BufferSize, long? gitBlobLength = null)
    {
        using var digest = new ContentDigest(kinds, gitBlobLength);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, chunkSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                digest.Append(buffer.AsSpan(0, read));
                afterRead?.Invoke(read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return digest.Finish();
    }
}

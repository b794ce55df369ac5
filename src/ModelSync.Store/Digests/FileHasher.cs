using System.Buffers;

namespace ModelSync.Store.Digests;

/// <summary>Hashes whole files with large sequential reads (verify, scrub, gate <c>--verify full</c>).</summary>
public static class FileHasher
{
    public const int BufferSize = 1 << 20;

    public static DigestResult Hash(string path, DigestKind kinds, CancellationToken cancellationToken = default)
    {
        using var digest = new ContentDigest(kinds);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                digest.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return digest.Finish();
    }
}
